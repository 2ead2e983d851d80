//! The session diagnostics panel (`?diagnostics` in the URL): what the session layer has done
//! (never a token's value) and probe uploads that exercise the request path and its recovery,
//! one at a time or several at once.

use std::cell::RefCell;
use std::rc::Rc;

use trustyconvert_core::i18n::{fill, Catalogue};
use trustyconvert_core::{JobFailure, JobId, MissingFeature};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{endpoints, use_api, ApiClient, ApiRequest};
use crate::browser;
use crate::language::Language;
use crate::session::use_session;

/// Uploads a tiny text file under a fresh job id.
async fn probe_upload(api: &ApiClient) -> Result<(), JobFailure> {
    let missing = |missing| JobFailure::Unsupported { missing };
    let bytes = browser::random::random_bytes16().ok_or_else(|| missing(MissingFeature::Crypto))?;
    let file = browser::file::text_file(
        "trustyconvert-probe.txt",
        "TrustyConvert diagnostics probe\n",
    )
    .ok_or_else(|| missing(MissingFeature::Blob))?;
    let job_id = JobId::from_random_bytes(bytes);
    endpoints::upload(
        api,
        &file,
        &job_id,
        ApiRequest::post("/upload", crate::transport::Body::Empty),
    )
    .await
    .map(drop)
    .map_err(JobFailure::Api)
}

/// Where the probes are, worded when shown (so a change of language rewords it).
#[derive(Clone, PartialEq)]
enum ProbeOutcome {
    Sending(usize),
    Done {
        succeeded: usize,
        count: usize,
        first_error: Option<JobFailure>,
    },
}

impl ProbeOutcome {
    fn text(&self, t: &Catalogue) -> String {
        let d = &t.diagnostics;
        match self {
            ProbeOutcome::Sending(count) => t.count(&d.sending, *count as u64),
            ProbeOutcome::Done {
                succeeded,
                count,
                first_error,
            } => {
                let mut text = fill(
                    t.plural(&d.succeeded, *count as u64),
                    &[
                        ("succeeded", &succeeded.to_string()),
                        ("count", &count.to_string()),
                    ],
                );
                if let Some(error) = first_error {
                    text.push(' ');
                    text.push_str(&fill(d.first_error, &[("error", &error.user_message(t))]));
                }
                text
            }
        }
    }
}

/// How the probes of one run went so far.
struct Tally {
    left: usize,
    succeeded: usize,
    first_error: Option<JobFailure>,
}

#[derive(Properties, PartialEq)]
pub struct DiagnosticsProps {
    pub language: Language,
}

#[component]
pub fn Diagnostics(props: &DiagnosticsProps) -> Html {
    let session = use_session();
    let api = use_api();
    let t = props.language.0;
    let outcome = use_state(|| None::<ProbeOutcome>);

    let run = |count: usize| {
        let (api, outcome) = (api.clone(), outcome.clone());
        Callback::from(move |_| {
            let (api, outcome) = (api.clone(), outcome.clone());
            outcome.set(Some(ProbeOutcome::Sending(count)));
            // Each probe on its own task, all in flight at once; the last one to finish says
            // how they went (joining the futures would cost the bundle an executor for this
            // one panel).
            let tally = Rc::new(RefCell::new(Tally {
                left: count,
                succeeded: 0,
                first_error: None,
            }));
            for _ in 0..count {
                let (api, outcome, tally) = (api.clone(), outcome.clone(), Rc::clone(&tally));
                spawn_local(async move {
                    let result = probe_upload(&api).await;
                    let mut tally = tally.borrow_mut();
                    tally.left -= 1;
                    match result {
                        Ok(()) => tally.succeeded += 1,
                        Err(error) => {
                            tally.first_error.get_or_insert(error);
                        }
                    }
                    if tally.left == 0 {
                        outcome.set(Some(ProbeOutcome::Done {
                            succeeded: tally.succeeded,
                            count,
                            first_error: tally.first_error.take(),
                        }));
                    }
                });
            }
        })
    };

    let state = &session.state;
    html! {
        <section class="panel diagnostics" aria-labelledby="diagnostics-title" data-testid="diagnostics">
            <h2 id="diagnostics-title" class="panel-title">{ t.diagnostics.heading }</h2>
            <dl class="diagnostics-facts">
                <dt>{ t.diagnostics.phase }</dt><dd data-testid="diag-phase">{ state.phase.name() }</dd>
                <dt>{ t.diagnostics.epoch }</dt><dd data-testid="diag-epoch">{ state.epoch.0 }</dd>
                <dt>{ t.diagnostics.token_known }</dt><dd>{ if state.token.is_some() { t.diagnostics.yes } else { t.diagnostics.no } }</dd>
                <dt>{ t.diagnostics.inits }</dt><dd data-testid="diag-inits">{ state.counters.inits }</dd>
                <dt>{ t.diagnostics.recoveries }</dt><dd data-testid="diag-recoveries">{ state.counters.recoveries }</dd>
                <dt>{ t.diagnostics.syncs }</dt><dd data-testid="diag-syncs">{ state.counters.syncs }</dd>
            </dl>
            <div class="diagnostics-actions">
                <button type="button" class="button" onclick={run(1)} data-testid="probe-one">{ t.diagnostics.probe_one }</button>
                <button type="button" class="button" onclick={run(5)} data-testid="probe-five">{ t.diagnostics.probe_five }</button>
            </div>
            if let Some(outcome) = outcome.as_ref() {
                <p class="diagnostics-outcome" role="status" data-testid="probe-outcome">{ outcome.text(t) }</p>
            }
        </section>
    }
}
