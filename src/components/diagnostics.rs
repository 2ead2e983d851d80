//! The session diagnostics panel (`?diagnostics` in the URL): what the session layer has done
//! (never a token's value) and probe uploads that exercise the request path and its recovery,
//! one at a time or several at once.

use std::rc::Rc;

use trustyconvert_core::JobId;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{endpoints, use_api, ApiClient, ApiRequest};
use crate::browser;
use crate::session::use_session;

/// Uploads a tiny text file under a fresh job id.
async fn probe_upload(api: &ApiClient) -> Result<(), String> {
    let bytes = browser::random::random_bytes16().ok_or("this browser offers no crypto")?;
    let file = browser::file::text_file(
        "trustyconvert-probe.txt",
        "TrustyConvert diagnostics probe\n",
    )
    .ok_or("the browser could not make a file")?;
    let job_id = JobId::from_random_bytes(bytes);
    endpoints::upload(
        api,
        &file,
        &job_id,
        ApiRequest::post("/upload", crate::transport::Body::Empty),
    )
    .await
    .map(drop)
    .map_err(|error| error.user_message())
}

#[component]
pub fn Diagnostics() -> Html {
    let session = use_session();
    let api = use_api();
    let outcome = use_state(|| None::<String>);

    let run = |count: usize| {
        let (api, outcome) = (api.clone(), outcome.clone());
        Callback::from(move |_| {
            let (api, outcome) = (api.clone(), outcome.clone());
            outcome.set(Some(format!("Sending {count} probe upload(s)…")));
            spawn_local(async move {
                let api = Rc::new(api);
                let probes = (0..count).map(|_| {
                    let api = Rc::clone(&api);
                    async move { probe_upload(&api).await }
                });
                let results = futures::future::join_all(probes).await;
                let succeeded = results.iter().filter(|result| result.is_ok()).count();
                let first_error = results.into_iter().find_map(Result::err);
                let mut text = format!("{succeeded} of {count} probe upload(s) succeeded.");
                if let Some(error) = first_error {
                    text.push_str(&format!(" First error: {error}"));
                }
                outcome.set(Some(text));
            });
        })
    };

    let state = &session.state;
    html! {
        <section class="panel diagnostics" aria-labelledby="diagnostics-title" data-testid="diagnostics">
            <h2 id="diagnostics-title" class="panel-title">{ "Session diagnostics" }</h2>
            <dl class="diagnostics-facts">
                <dt>{ "Phase" }</dt><dd data-testid="diag-phase">{ state.phase.name() }</dd>
                <dt>{ "Session epoch" }</dt><dd data-testid="diag-epoch">{ state.epoch.0 }</dd>
                <dt>{ "Token known" }</dt><dd>{ if state.token.is_some() { "yes" } else { "no" } }</dd>
                <dt>{ "Inits sent" }</dt><dd data-testid="diag-inits">{ state.counters.inits }</dd>
                <dt>{ "Recoveries" }</dt><dd data-testid="diag-recoveries">{ state.counters.recoveries }</dd>
                <dt>{ "Cookie syncs" }</dt><dd data-testid="diag-syncs">{ state.counters.syncs }</dd>
            </dl>
            <div class="diagnostics-actions">
                <button type="button" class="button" onclick={run(1)} data-testid="probe-one">{ "Probe upload" }</button>
                <button type="button" class="button" onclick={run(5)} data-testid="probe-five">{ "5 probe uploads at once" }</button>
            </div>
            if let Some(text) = (*outcome).clone() {
                <p class="diagnostics-outcome" role="status" data-testid="probe-outcome">{ text }</p>
            }
        </section>
    }
}
