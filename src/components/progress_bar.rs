//! A labelled progress bar (`role=progressbar`); without a value it shows activity only.

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
    let width = props
        .value
        .map(|value| format!("width: {}%", value.min(100)));
    html! {
        <div class="progress-block">
            <div class={classes!("progress", props.value.is_none().then_some("progress-indeterminate"))}
                role="progressbar" aria-label={props.label.clone()} aria-valuemin="0" aria-valuemax="100"
                aria-valuenow={props.value.map(|value| value.to_string())}
                aria-valuetext={props.text.clone()} data-testid={props.testid.clone()}>
                <div class="progress-fill" style={width}></div>
            </div>
            if let Some(text) = props.text.clone() {
                <p class="progress-text" aria-hidden="true">{ text }</p>
            }
        </div>
    }
}
