//! `use_api()`: the API client bound to the session of the nearest `<SessionProvider>`.

use yew::prelude::*;

use super::client::ApiClient;
use crate::session::use_session;

/// The typed API for components (`endpoints::*` take the returned client).
#[hook]
pub fn use_api() -> ApiClient {
    use_session().manager.client()
}
