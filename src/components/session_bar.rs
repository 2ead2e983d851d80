//! The session indicator in the header, with "Close session" behind an in-page confirmation
//! that says what closing does.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use trustyconvert_core::i18n::Catalogue;
use trustyconvert_core::ApiError;

use crate::language::Language;
use crate::session::{use_session, SessionPhase};

fn phase_text(phase: &SessionPhase, t: &Catalogue) -> (&'static str, &'static str) {
    let s = &t.session;
    match phase {
        SessionPhase::Unknown => (s.connecting, "pending"),
        // A token from the cookie names a session that may have expired: nothing is claimed
        // until an answer proves it.
        SessionPhase::Unverified => (s.found, "pending"),
        SessionPhase::Ready => (s.active, "ready"),
        SessionPhase::Initializing => (s.starting, "pending"),
        SessionPhase::Closed => (s.closed, "closed"),
        SessionPhase::Failed(_) => (s.none, "failed"),
    }
}

#[derive(Properties, PartialEq)]
pub struct SessionBarProps {
    pub language: Language,
}

#[component]
pub fn SessionBar(props: &SessionBarProps) -> Html {
    let session = use_session();
    let t = props.language.0;
    let confirming = use_state(|| false);
    let closing = use_state(|| false);
    let close_error = use_state(|| None::<ApiError>);
    let retrying = use_state(|| false);

    let (label, tone) = phase_text(&session.state.phase, t);
    let detail = match &session.state.phase {
        SessionPhase::Failed(reason) => Some(reason.user_message(t)),
        SessionPhase::Closed => Some(t.session.closed_detail.to_owned()),
        _ => None,
    };
    let can_close = matches!(
        session.state.phase,
        SessionPhase::Ready | SessionPhase::Unverified
    );

    let failed = matches!(session.state.phase, SessionPhase::Failed(_));
    // A failed session is not the end: the person can ask for another attempt.
    let retry = {
        let (retrying, session) = (retrying.clone(), session.clone());
        Callback::from(move |_| {
            let (retrying, session) = (retrying.clone(), session.clone());
            retrying.set(true);
            spawn_local(async move {
                // The outcome shows in the phase (Ready, or Failed with why).
                let _ = session.retry_failed_session().await;
                retrying.set(false);
            });
        })
    };
    let ask = {
        let confirming = confirming.clone();
        let close_error = close_error.clone();
        Callback::from(move |_| {
            close_error.set(None);
            confirming.set(true);
        })
    };
    let keep = {
        let confirming = confirming.clone();
        Callback::from(move |_| confirming.set(false))
    };
    let close = {
        let (confirming, closing, close_error) =
            (confirming.clone(), closing.clone(), close_error.clone());
        let session = session.clone();
        Callback::from(move |_| {
            let (confirming, closing, close_error) =
                (confirming.clone(), closing.clone(), close_error.clone());
            let session = session.clone();
            closing.set(true);
            spawn_local(async move {
                let outcome = session.close_session().await;
                closing.set(false);
                confirming.set(false);
                if let Err(error) = outcome {
                    close_error.set(Some(error));
                }
            });
        })
    };

    html! {
        <div class="session-bar" data-testid="session-bar">
            <span class={classes!("session-state", format!("session-{tone}"))} role="status" data-testid="session-state">
                <span class="session-dot" aria-hidden="true"></span>
                { label }
            </span>
            if let Some(detail) = detail {
                <span class="session-detail">{ detail }</span>
            }
            if failed {
                <button type="button" class="button button-quiet" onclick={retry} disabled={*retrying}
                    data-testid="session-retry">
                    { if *retrying { t.session.trying_again } else { t.session.try_again } }
                </button>
            }
            if can_close && !*confirming {
                <button type="button" class="button button-quiet" onclick={ask} data-testid="close-session">
                    { t.session.close }
                </button>
            }
            if *confirming {
                <div class="confirm" role="alertdialog" aria-labelledby="confirm-close-title" aria-describedby="confirm-close-text">
                    <p id="confirm-close-title" class="confirm-title">{ t.session.confirm_title }</p>
                    <p id="confirm-close-text" class="confirm-text">
                        { t.session.confirm_detail }
                    </p>
                    <div class="confirm-actions">
                        <button type="button" class="button button-danger" onclick={close} disabled={*closing} data-testid="confirm-close">
                            { if *closing { t.session.closing } else { t.session.confirm_close } }
                        </button>
                        <button type="button" class="button button-quiet" onclick={keep} disabled={*closing}>
                            { t.session.keep }
                        </button>
                    </div>
                </div>
            }
            if let Some(error) = close_error.as_ref() {
                <span class="session-error" role="alert">{ error.user_message(t) }</span>
            }
        </div>
    }
}
