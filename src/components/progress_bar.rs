//! A labelled progress bar (a native `<progress>`); without a value it shows activity only.

use yew::prelude::*;

/// The arguments of a plain view function (no component, so no `Properties`).
#[derive(PartialEq)]
pub struct ProgressBarProps {
    /// 0–100; None when the server gives no progress.
    pub value: Option<u8>,
    pub label: AttrValue,
    /// Said beside the bar and to screen readers ("5 MB of 20 MB (25%)").
    pub text: Option<AttrValue>,
    pub testid: AttrValue,
}

/// A plain function, not a component: it has no state of its own, and each component type
/// costs the bundle its own mount, hydrate and update code.
pub fn progress_bar(props: &ProgressBarProps) -> Html {
    // A native <progress>: no style attribute (a strict CSP blocks them); without a value it is
    // indeterminate, which assistive technology announces as busy.
    let value = props.value.map(|value| value.min(100).to_string());
    html! {
        <div class="progress-block">
            <progress class="progress" max="100" value={value}
                aria-label={props.label.clone()} aria-valuetext={props.text.clone()}
                data-testid={props.testid.clone()}></progress>
            if let Some(text) = props.text.clone() {
                <p class="progress-text" aria-hidden="true">{ text }</p>
            }
        </div>
    }
}
