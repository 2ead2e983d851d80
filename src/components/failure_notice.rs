//! A failed job: what happened, the reference for support, and what the person can do next.

use trustyconvert_core::{JobFailure, JobState};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FailureNoticeProps {
    pub job: JobState,
    pub online: bool,
    pub on_retry: Callback<()>,
    pub on_reset: Callback<()>,
}

#[component]
pub fn FailureNotice(props: &FailureNoticeProps) -> Html {
    let JobState::Failed { plan, failure } = &props.job else {
        return html! {};
    };
    let reference = match failure {
        JobFailure::Api(error) => error.reference(),
        _ => None,
    };
    let retry = {
        let on_retry = props.on_retry.clone();
        Callback::from(move |_| on_retry.emit(()))
    };
    let reset = {
        let on_reset = props.on_reset.clone();
        Callback::from(move |_| on_reset.emit(()))
    };
    html! {
        // The toast announces the failure; this stays on the page without announcing it twice.
        <div class="failure" data-testid="failure">
            <h2 class="step-title">{ failure.title() }</h2>
            <p class="failure-message" data-testid="failure-message">{ failure.user_message() }</p>
            if let Some(reference) = reference {
                <p class="reference">{ reference }</p>
            }
            <div class="actions">
                if plan.is_some() && failure.is_worth_retrying() {
                    <button type="button" class="button button-primary" onclick={retry}
                        disabled={!props.online} data-testid="retry">{ "Try again" }</button>
                }
                <button type="button" class="button button-quiet" onclick={reset} data-testid="convert-another">
                    { "Convert another file" }
                </button>
            </div>
        </div>
    }
}
