//! Mounting a `<SessionProvider>` under its own store root with a probe that hands the test
//! its `SessionHandle` and `ApiClient`.

use std::cell::RefCell;
use std::rc::Rc;

use trustyconvert_core::CsrfToken;
use trustyconvert_web::api::{use_api, ApiClient};
use trustyconvert_web::session::{use_session, SessionHandle, SessionPhase, SessionProvider};
use yew::prelude::*;
use yewdux::YewduxRoot;

use super::{mount_point, settle, wait_until, PageRestored, ScriptedServer};

/// What the probe saw of the session and the API, for the test to inspect.
#[derive(Default)]
pub struct Captured {
    session: Option<SessionHandle>,
    api: Option<ApiClient>,
}

#[derive(Properties, Clone)]
pub struct ProbeProps {
    captured: Rc<RefCell<Captured>>,
}

impl PartialEq for ProbeProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.captured, &other.captured)
    }
}

#[component]
fn Probe(props: &ProbeProps) -> Html {
    let session = use_session();
    let api = use_api();
    let mut captured = props.captured.borrow_mut();
    captured.session = Some(session);
    captured.api = Some(api);
    html! {}
}

#[derive(Properties, Clone, PartialEq)]
pub struct HarnessProps {
    probe: ProbeProps,
    server: trustyconvert_web::transport::SharedTransport,
}

#[component]
pub fn Harness(props: &HarnessProps) -> Html {
    html! {
        <YewduxRoot>
            <SessionProvider api_base="/api" transport={props.server.clone()}>
                <Probe captured={props.probe.captured.clone()} />
            </SessionProvider>
        </YewduxRoot>
    }
}

/// The mounted harness. Dropping it (also when a test fails) unmounts it and puts the shared
/// page back: the cookie and the visibility override.
pub struct Mounted {
    captured: Rc<RefCell<Captured>>,
    app: Option<yew::AppHandle<Harness>>,
    root: web_sys::Element,
    _page: PageRestored,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
        self.root.remove();
    }
}

impl Mounted {
    pub fn session(&self) -> SessionHandle {
        self.captured
            .borrow()
            .session
            .clone()
            .expect("the probe rendered")
    }

    pub fn api(&self) -> ApiClient {
        self.captured
            .borrow()
            .api
            .clone()
            .expect("the probe rendered")
    }

    pub fn token(&self) -> Option<CsrfToken> {
        self.session().manager.store().token.clone()
    }

    /// Waits (up to ~9 s) until the session's phase is one `wanted` accepts.
    pub async fn wait_for_phase(&self, wanted: impl Fn(&SessionPhase) -> bool) {
        wait_until(|| wanted(&self.session().manager.store().phase)).await;
    }

    pub fn unmount(self) {
        drop(self);
    }
}

pub async fn mount(server: &Rc<ScriptedServer>) -> Mounted {
    let captured = Rc::new(RefCell::new(Captured::default()));
    let root = mount_point();
    let props = HarnessProps {
        probe: ProbeProps {
            captured: captured.clone(),
        },
        server: server.as_override(),
    };
    let app = yew::Renderer::<Harness>::with_root_and_props(root.clone(), props).render();
    settle().await;
    Mounted {
        captured,
        app: Some(app),
        root,
        _page: PageRestored,
    }
}

pub fn token(value: &str) -> Option<CsrfToken> {
    CsrfToken::new(value)
}

/// The `X-CSRF-Token` a request carried.
pub fn header_of(request: &trustyconvert_web::transport::WireRequest) -> Option<String> {
    request
        .headers
        .iter()
        .find(|(name, _)| *name == "X-CSRF-Token")
        .map(|(_, value)| value.clone())
}

/// Whether a request carried exactly this `X-CSRF-Token`.
pub fn has_header(request: &trustyconvert_web::transport::WireRequest, value: &str) -> bool {
    header_of(request).as_deref() == Some(value)
}
