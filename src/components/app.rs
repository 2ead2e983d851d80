//! The app shell: the stores' root, the language, the session provider, header, the conversion
//! area, footer.

use yew::prelude::*;
use yewdux::YewduxRoot;

use super::{
    conversion_panel::ConversionPanel, diagnostics::Diagnostics, footer::footer, header::header,
    offline_banner::offline_banner, toasts::Toasts,
};
use crate::browser;
use crate::config::AppConfig;
use crate::conversion::use_online;
use crate::first_view::HYDRATED_MARK;
use crate::language::{use_language_state, Language};
use crate::session::SessionProvider;
use crate::transport::SharedTransport;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub config: AppConfig,
    /// The language of the first render: the page's.
    pub language: Language,
    /// Replaces `fetch` (component tests script the server with it).
    #[prop_or_default]
    pub transport: Option<SharedTransport>,
}

#[component]
pub fn App(props: &AppProps) -> Html {
    // The first render is the prerendered one, the same on every page: what the URL asks for
    // (the diagnostics panel) appears only once the app has taken over.
    let diagnostics = use_state(|| false);
    let online = use_online();
    let language = use_language_state(props.language);
    {
        let diagnostics = diagnostics.clone();
        let wanted = props.config.diagnostics;
        use_effect_with((), move |_| {
            if wanted {
                diagnostics.set(true);
            }
            browser::dom::performance_mark(HYDRATED_MARK);
        });
    }
    let t = language.current.0;
    html! {
        // Its own store context: the same code runs under a test's root as under the app's.
        <YewduxRoot>
                <SessionProvider api_base={props.config.api_base.clone()} transport={props.transport.clone()}>
                    <div class="app">
                        { header(&language) }
                        { offline_banner(online, t) }
                        <main id="main" class="main">
                            <ConversionPanel language={language.current} />
                            if *diagnostics {
                                <Diagnostics language={language.current} />
                            }
                        </main>
                        <Toasts language={language.current} />
                        { footer(t) }
                    </div>
                </SessionProvider>
        </YewduxRoot>
    }
}
