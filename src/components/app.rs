//! The app shell: header, the conversion area, footer.

use yew::prelude::*;

use super::{drop_panel::DropPanel, footer::Footer, header::Header};
use crate::config::AppConfig;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub config: AppConfig,
}

#[component]
pub fn App(props: &AppProps) -> Html {
    let config = use_memo((), |_| props.config.clone());
    html! {
        <ContextProvider<std::rc::Rc<AppConfig>> context={config}>
            <div class="app">
                <Header />
                <main id="main" class="main">
                    <DropPanel />
                </main>
                <Footer />
            </div>
        </ContextProvider<std::rc::Rc<AppConfig>>>
    }
}
