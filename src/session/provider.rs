//! `<SessionProvider>`: runs the session for the app (sync-then-init on mount, sync when the page
//! becomes visible, hear other tabs' closes) and hands every component a `SessionHandle`
//! through `use_session()`.

use std::rc::Rc;

use trustyconvert_core::{ApiError, SessionEpoch, SessionEvent, StartedBy};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yewdux::{use_dispatch, use_store_value};

use super::manager::SessionManager;
use super::store::SessionStore;
use crate::browser::fetch::FetchTransport;
use crate::browser::visibility;
use crate::transport::{SharedTransport, Transport};

#[derive(Properties, PartialEq)]
pub struct SessionProviderProps {
    /// The API base URL (from the app's configuration).
    pub api_base: AttrValue,
    #[prop_or_default]
    pub transport: Option<SharedTransport>,
    #[prop_or_default]
    pub children: Html,
}

/// What components get from `use_session()`: the session's state and the operations on it.
#[derive(Clone, PartialEq)]
pub struct SessionHandle {
    pub state: Rc<SessionStore>,
    pub manager: SessionManager,
    /// The transport tests script the server with, which then takes the uploads too.
    pub transport_override: Option<SharedTransport>,
}

impl SessionHandle {
    /// Changes whenever the server session changes (work tied to the old one must be redone).
    pub fn epoch(&self) -> SessionEpoch {
        self.state.epoch
    }

    pub async fn ensure_session(&self, started_by: StartedBy) -> Result<(), ApiError> {
        self.manager.ensure_session(started_by).await
    }

    pub async fn close_session(&self) -> Result<(), ApiError> {
        self.manager.close_session().await
    }

    /// The person's "Try again" after the session failed.
    pub async fn retry_failed_session(&self) -> Result<(), ApiError> {
        self.manager.retry_failed_session().await
    }
}

#[component]
pub fn SessionProvider(props: &SessionProviderProps) -> Html {
    let dispatch = use_dispatch::<SessionStore>();
    let state = use_store_value::<SessionStore>();
    let manager = {
        let transport = props.transport.clone();
        let api_base = props.api_base.clone();
        use_memo((), move |_| {
            let transport =
                transport.map_or_else(|| Rc::new(FetchTransport) as Rc<dyn Transport>, |t| t.0);
            SessionManager::new(dispatch, transport, &api_base)
        })
    };

    {
        let manager = (*manager).clone();
        use_effect_with((), move |_| {
            let on_load = manager.clone();
            spawn_local(async move { on_load.sync_then_init(SessionEvent::AppLoad).await });
            manager.listen_to_other_tabs();
            let on_visible = manager.clone();
            let listener = visibility::on_change(move |visible| {
                if visible {
                    let manager = on_visible.clone();
                    spawn_local(
                        async move { manager.sync_then_init(SessionEvent::PageVisible).await },
                    );
                }
            });
            move || {
                drop(listener);
                manager.stop_listening_to_other_tabs();
            }
        });
    }

    let handle = SessionHandle {
        state,
        manager: (*manager).clone(),
        transport_override: props.transport.clone(),
    };
    html! {
        <ContextProvider<SessionHandle> context={handle}>
            { props.children.clone() }
        </ContextProvider<SessionHandle>>
    }
}

/// The session of the nearest `<SessionProvider>`.
#[hook]
pub fn use_session() -> SessionHandle {
    match use_context::<SessionHandle>() {
        Some(handle) => handle,
        // A component outside the provider is a programming error, caught by the first test.
        None => panic!("use_session() needs a <SessionProvider> above it"),
    }
}
