//! `ApiClient`: the request path bound to a session, and `use_api()`, which binds it to the
//! session of the nearest `<SessionProvider>`.

use trustyconvert_core::{ApiError, ApiSuccess};
use yew::prelude::*;

use super::client::{self, ApiRequest};
use crate::session::{use_session, SessionManager};

/// The API as the app sees it: every call takes the one request path with this session.
#[derive(Clone, PartialEq)]
pub struct ApiClient {
    session: SessionManager,
}

impl ApiClient {
    pub fn new(session: SessionManager) -> Self {
        Self { session }
    }

    pub fn session(&self) -> &SessionManager {
        &self.session
    }

    /// Sends `request` (see `client::send`).
    pub async fn send(&self, request: ApiRequest) -> Result<ApiSuccess, ApiError> {
        client::send(&self.session, request).await
    }
}

/// The typed API for components (`endpoints::*` take the returned client).
#[hook]
pub fn use_api() -> ApiClient {
    ApiClient::new(use_session().manager)
}
