//! Hooks for the conversion components: the queue's driver bound to this page's stores and session,
//! the format catalog (loaded once), and whether the browser is online.

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yewdux::{use_dispatch, use_store_value};

use super::formats::{load_formats, FormatsState, FormatsStore};
use crate::api::{use_api, ApiClient};
use crate::browser::{self, xhr::XhrTransport};
use crate::queue::{QueueDriver, QueueStore};
use crate::session::use_session;
use crate::toast::{ToastService, ToastStore};
use crate::transport::SharedTransport;

/// The queue's driver: the page's request path, its queue and toasts, and the upload transport.
#[hook]
pub fn use_queue_driver() -> QueueDriver {
    let session = use_session();
    let client = ApiClient::new(session.manager.clone());
    let queue = use_dispatch::<QueueStore>();
    let toasts = use_dispatch::<ToastStore>();
    let upload = use_upload_transport();
    QueueDriver::new(client, queue, ToastService::new(toasts), upload)
}

/// Uploads go through XHR (for their progress) unless the session's transport is overridden.
#[hook]
fn use_upload_transport() -> SharedTransport {
    let session = use_session();
    let upload = use_memo(session.transport_override, |transport| {
        SharedTransport(match transport {
            Some(transport) => Rc::clone(&transport.0),
            None => Rc::new(XhrTransport),
        })
    });
    (*upload).clone()
}

/// What the formats store holds, plus a callback that (re)loads it. Loads on first use.
#[hook]
pub fn use_formats() -> (Rc<FormatsStore>, Callback<()>) {
    let client = use_api();
    let dispatch = use_dispatch::<FormatsStore>();
    let formats = use_store_value::<FormatsStore>();
    let load = {
        let (client, dispatch) = (client.clone(), dispatch.clone());
        Callback::from(move |()| {
            let (client, dispatch) = (client.clone(), dispatch.clone());
            spawn_local(async move { load_formats(&client, &dispatch).await });
        })
    };
    {
        let load = load.clone();
        let not_loaded = formats.state == FormatsState::NotLoaded;
        use_effect_with((), move |_| {
            if not_loaded {
                load.emit(());
            }
        });
    }
    (formats, load)
}

/// Whether the browser says it is online; follows the window's `online`/`offline` events.
/// Online until the first effect has asked: the first render is the same as the prerendered one.
#[hook]
pub fn use_online() -> bool {
    let online = use_state_eq(|| true);
    {
        let online = online.clone();
        use_effect_with((), move |_| {
            online.set(browser::online::is_online());
            let listeners = browser::online::on_change(move |now| online.set(now));
            move || drop(listeners)
        });
    }
    *online
}
