//! The app shell: the stores' root, the session provider, header, the conversion area, footer.

use yew::prelude::*;
use yewdux::YewduxRoot;

use super::{
    conversion_panel::ConversionPanel, diagnostics::Diagnostics, footer::footer, header::Header,
    language_menu::LanguageSuggestion, offline_banner::offline_banner, toasts::Toasts,
};
use crate::browser;
use crate::config::AppConfig;
use crate::conversion::use_online;
use crate::first_view::HYDRATED_MARK;
use crate::language::{use_texts, Language, LanguageProvider};
use crate::session::SessionProvider;
use crate::transport::SharedTransport;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub config: AppConfig,
    /// The language of the first render: the page's.
    #[prop_or_default]
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
    html! {
        // Its own store context: the same code runs under a test's root as under the app's.
        <YewduxRoot>
            <LanguageProvider language={props.language}>
            <SessionProvider api_base={props.config.api_base.clone()} transport={props.transport.clone()}>
                <Shell diagnostics={*diagnostics} />
            </SessionProvider>
            </LanguageProvider>
        </YewduxRoot>
    }
}

#[derive(Properties, PartialEq)]
struct ShellProps {
    diagnostics: bool,
}

/// The page inside the providers, in the current language.
#[component]
fn Shell(props: &ShellProps) -> Html {
    let texts = use_texts();
    let online = use_online();
    html! {
        <div class="app">
            <Header />
            <LanguageSuggestion />
            { offline_banner(online, texts) }
            <main id="main" class="main">
                <ConversionPanel />
                if props.diagnostics {
                    <Diagnostics />
                }
            </main>
            <Toasts />
            { footer(texts) }
        </div>
    }
}
