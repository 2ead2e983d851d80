//! The app shell: the stores' root, the session provider, header, the conversion area, footer.

use std::rc::Rc;

use yew::prelude::*;
use yewdux::YewduxRoot;

use super::{diagnostics::Diagnostics, drop_panel::DropPanel, footer::Footer, header::Header};
use crate::config::AppConfig;
use crate::session::provider::TransportOverride;
use crate::session::SessionProvider;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub config: AppConfig,
    /// Replaces `fetch` (component tests script the server with it).
    #[prop_or_default]
    pub transport: Option<TransportOverride>,
}

#[component]
pub fn App(props: &AppProps) -> Html {
    let config = use_memo((), |_| props.config.clone());
    html! {
        // Its own store context: the same code runs under a test's root as under the app's.
        <YewduxRoot>
            <ContextProvider<Rc<AppConfig>> context={config.clone()}>
                <SessionProvider api_base={config.api_base.clone()} transport={props.transport.clone()}>
                    <div class="app">
                        <Header />
                        <main id="main" class="main">
                            <DropPanel />
                            if config.diagnostics {
                                <Diagnostics />
                            }
                        </main>
                        <Footer />
                    </div>
                </SessionProvider>
            </ContextProvider<Rc<AppConfig>>>
        </YewduxRoot>
    }
}
