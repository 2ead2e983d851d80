//! The app shell: the stores' root, the session provider, header, the conversion area, footer.

use std::rc::Rc;

use yew::prelude::*;
use yewdux::YewduxRoot;

use super::{
    conversion_panel::ConversionPanel, diagnostics::Diagnostics, footer::Footer, header::Header,
    offline_banner::OfflineBanner, toasts::Toasts,
};
use crate::browser;
use crate::config::AppConfig;
use crate::conversion::UploadTransport;
use crate::first_view::HYDRATED_MARK;
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
    // A scripted transport (tests) also takes the uploads; the app's own uploads use XHR.
    let upload = props
        .transport
        .clone()
        .map(|transport| UploadTransport(transport.0));
    // The first render is the prerendered one, the same on every page: what the URL asks for
    // (the diagnostics panel) appears only once the app has taken over.
    let diagnostics = use_state(|| false);
    {
        let diagnostics = diagnostics.clone();
        let wanted = config.diagnostics;
        use_effect_with((), move |_| {
            if wanted {
                diagnostics.set(true);
            }
            browser::dom::performance_mark(HYDRATED_MARK);
        });
    }
    let main = html! {
        <main id="main" class="main">
            <ConversionPanel />
            if *diagnostics {
                <Diagnostics />
            }
        </main>
    };
    html! {
        // Its own store context: the same code runs under a test's root as under the app's.
        <YewduxRoot>
            <ContextProvider<Rc<AppConfig>> context={config.clone()}>
                <SessionProvider api_base={config.api_base.clone()} transport={props.transport.clone()}>
                    <div class="app">
                        <Header />
                        <OfflineBanner />
                        if let Some(upload) = upload {
                            <ContextProvider<UploadTransport> context={upload}>{ main }</ContextProvider<UploadTransport>>
                        } else {
                            { main }
                        }
                        <Toasts />
                        <Footer />
                    </div>
                </SessionProvider>
            </ContextProvider<Rc<AppConfig>>>
        </YewduxRoot>
    }
}
