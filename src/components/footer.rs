//! The page footer.

use yew::prelude::*;

/// A plain function: the footer has no state.
pub fn footer() -> Html {
    html! {
        <footer class="footer">
            <p>{ "Files are converted on our server and deleted when your session ends. No account needed." }</p>
        </footer>
    }
}
