//! The page footer.

use yew::prelude::*;

#[component]
pub fn Footer() -> Html {
    html! {
        <footer class="footer">
            <p>{ "Files are converted on our server and deleted when your session ends. No account needed." }</p>
        </footer>
    }
}
