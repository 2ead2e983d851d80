//! A failed job: what happened, the reference for support, and what the person can do next.
//! When the server asked to wait (`Retry-After`), "Try again" counts down and comes back by
//! itself, so the person knows when a retry can work instead of meeting the same 429.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Interval;
use trustyconvert_core::conversion::recovery::seconds_left;
use trustyconvert_core::i18n::fill;
use trustyconvert_core::{JobFailure, JobState};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::browser::clock;
use crate::language::Language;

/// How often the countdown looks at the clock (it re-renders only when the seconds change).
const COUNTDOWN_TICK_MS: u32 = 250;

pub struct FailureNoticeProps {
    pub job: JobState,
    pub online: bool,
    /// Whole seconds the server asked to wait before a retry, counting down ([`use_countdown`]).
    pub wait: u32,
    pub on_retry: Callback<()>,
    pub on_reset: Callback<()>,
    /// On the step's heading, so the panel can move focus there when the step changes.
    pub heading: NodeRef,
    pub language: Language,
}

/// A plain function, not a component: each component type costs the bundle its own mount,
/// hydrate and update code; the countdown's state lives in the panel.
pub fn failure_notice(props: &FailureNoticeProps) -> Html {
    let wait = props.wait;
    let t = props.language.0;
    let JobState::Failed { plan, failure } = &props.job else {
        return html! {};
    };
    let reference = match failure {
        JobFailure::Api(error) => error.reference(t),
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
            <h2 class="step-title" tabindex="-1" ref={props.heading.clone()}>{ failure.title(t) }</h2>
            <p class="failure-message" data-testid="failure-message">{ failure.user_message(t) }</p>
            if let Some(reference) = reference {
                <p class="reference">{ reference }</p>
            }
            <div class="actions">
                if plan.is_some() && failure.is_worth_retrying() {
                    <button type="button" class="button button-primary" onclick={retry}
                        disabled={!props.online || wait > 0} data-testid="retry">
                        if wait > 0 { { fill(t.failure.try_again_in, &[("seconds", &wait.to_string())]) } } else { { t.failure.try_again } }
                    </button>
                }
                <button type="button" class="button button-quiet" onclick={reset} data-testid="convert-another">
                    { t.done.another }
                </button>
            </div>
        </div>
    }
}

/// Whole seconds left until `not_before` (0 without one), kept current by a ticking clock that
/// stops once the wait is over (nothing changes after 0, so nothing need wake the page).
#[hook]
pub fn use_countdown(not_before: Option<f64>) -> u32 {
    let left = use_state_eq(|| not_before.map_or(0, |at| seconds_left(at, clock::now_ms())));
    {
        let left = left.clone();
        use_effect_with(not_before, move |at| {
            let at = *at;
            let now = at.map_or(0, |at| seconds_left(at, clock::now_ms()));
            left.set(now);
            let ticking: Rc<RefCell<Option<Interval>>> = Rc::new(RefCell::new(None));
            if let (Some(at), true) = (at, now > 0) {
                let handle = Rc::clone(&ticking);
                *ticking.borrow_mut() = Some(Interval::new(COUNTDOWN_TICK_MS, move || {
                    let now = seconds_left(at, clock::now_ms());
                    left.set(now);
                    if now == 0 {
                        // Dropped after this tick returns: a timer freed inside its own
                        // callback would free the closure that is running.
                        if let Some(interval) = handle.borrow_mut().take() {
                            spawn_local(async move { drop(interval) });
                        }
                    }
                }));
            }
            move || drop(ticking.borrow_mut().take())
        });
    }
    *left
}
