//! The queue in the browser: several files dropped at once, each validated on its own, the
//! shared target of a type and one file's own, every state a file can be in, cancel and
//! remove, and what the server was asked for.
#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use futures::future::LocalBoxFuture;
use futures::FutureExt;
use serde_json::json;
use support::dom::*;
use support::*;
use trustyconvert_web::components::app::{App, AppProps};
use trustyconvert_web::config::AppConfig;
use trustyconvert_web::transport::{
    Body, SharedTransport, Transport, WireFailure, WireRequest, WireResponse,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A file that never finishes uploading (until cancelled).
const STALLED: &str = "stalled.png";
/// A file whose conversion fails on the server.
const BROKEN: &str = "broken.csv";

/// Answers like the reference server, remembering which file each job holds and what each
/// conversion was asked for.
#[derive(Default)]
struct QueueServer {
    /// (job id, file name) per upload that reached the server.
    uploads: RefCell<Vec<(String, String)>>,
    /// (job id, target) per `/convert`.
    converts: RefCell<Vec<(String, String)>>,
}

impl QueueServer {
    fn name_of(&self, job: &str) -> Option<String> {
        let uploads = self.uploads.borrow();
        let upload = uploads.iter().find(|(id, _)| id == job)?;
        Some(upload.1.clone())
    }

    /// The target each file was converted to, by name.
    fn targets(&self) -> Vec<(String, String)> {
        self.converts
            .borrow()
            .iter()
            .map(|(job, target)| (self.name_of(job).unwrap_or_default(), target.clone()))
            .collect()
    }

    fn answer(&self, request: &WireRequest) -> Option<WireResponse> {
        let url = request.url.as_str();
        if url.ends_with("/session/init") {
            return Some(init_ok("s-1", "token-1"));
        }
        if url.ends_with("/convert/formats") {
            return Some(ok(json!([
                {"id": "image", "inputFormats": ["png", "jpg"], "outputFormats": ["png", "jpg", "pdf", "gif"], "maxSize": 1000},
                {"id": "data", "inputFormats": ["csv"], "outputFormats": ["xlsx", "json"], "maxSize": 1000},
            ])));
        }
        if url.ends_with("/upload") {
            let Body::Form(form) = &request.body else {
                return None;
            };
            let job = form.get("job_id").as_string()?;
            let name = form.get("file").dyn_into::<web_sys::File>().ok()?.name();
            if name == STALLED {
                return None;
            }
            self.uploads.borrow_mut().push((job.clone(), name));
            return Some(json(
                201,
                json!({"success": true, "data": {"job_id": job, "status": "uploaded"}}),
            ));
        }
        if url.ends_with("/convert") {
            let Body::Json(body) = &request.body else {
                return None;
            };
            let body: serde_json::Value = serde_json::from_str(body).ok()?;
            let job = body["job_id"].as_str()?.to_owned();
            let target = body["target_format"].as_str()?.to_owned();
            self.converts.borrow_mut().push((job.clone(), target));
            return Some(ok(json!({"job_id": job, "status": "queued"})));
        }
        if let Some((_, job)) = url.split_once("/job_status?job_id=") {
            let name = self.name_of(job)?;
            return Some(if name == BROKEN {
                ok(json!({"job_id": job, "status": "failed", "error": "Row 2 has 3 cells, not 2."}))
            } else {
                ok(json!({"job_id": job, "status": "completed", "output_size": 42}))
            });
        }
        None
    }
}

fn ok(data: serde_json::Value) -> WireResponse {
    json(200, json!({"success": true, "data": data}))
}

impl Transport for QueueServer {
    fn send(
        &self,
        request: WireRequest,
    ) -> LocalBoxFuture<'static, Result<WireResponse, WireFailure>> {
        let answer = self.answer(&request);
        let abort = request.abort.clone();
        async move {
            gloo::timers::future::sleep(Duration::from_millis(5)).await;
            match answer {
                Some(answer) => Ok(answer),
                // Held until the app aborts it (the stalled upload), like a slow uplink.
                None => loop {
                    if abort.as_ref().is_some_and(web_sys::AbortSignal::aborted) {
                        return Err(WireFailure::Aborted);
                    }
                    gloo::timers::future::sleep(Duration::from_millis(10)).await;
                },
            }
        }
        .boxed_local()
    }
}

fn item(root: &web_sys::Element, name: &str) -> web_sys::Element {
    find(
        root,
        &format!("[data-testid=queue-item][data-name='{name}']"),
    )
}

fn state_of(root: &web_sys::Element, name: &str) -> String {
    item(root, name)
        .get_attribute("data-state")
        .unwrap_or_default()
}

fn select(element: &web_sys::Element, value: &str) {
    let select: web_sys::HtmlSelectElement = element.clone().unchecked_into();
    select.set_value(value);
    // As the browser's own: a select's change bubbles.
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let change = web_sys::Event::new_with_event_init_dict("change", &init).expect("an event");
    select.dispatch_event(&change).expect("changed");
}

#[wasm_bindgen_test]
async fn several_files_make_a_queue_with_every_state_and_shared_targets() {
    clear_csrf_cookie();
    let _page = PageRestored;
    let server = Rc::new(QueueServer::default());
    let root = mount_point();
    let props = AppProps {
        config: AppConfig::default(),
        language: english(),
        transport: Some(SharedTransport(Rc::clone(&server) as Rc<dyn Transport>)),
    };
    let app = yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    wait_for_text(&root, "#dropzone-hint", "PNG").await;

    let files = [
        file("a.png", "png a"),
        file("b.png", "png b"),
        file(STALLED, "png s"),
        file(BROKEN, "x,y"),
        file("empty.png", ""),
        file("setup.exe", "MZ"),
    ];
    find(&root, "[data-testid=dropzone]")
        .dispatch_event(&drag_event("drop", &transfer_of_all(&files)))
        .expect("dropped");
    wait_for_state(&root, "queue").await;

    // Each file validated on its own: the refused ones say why, the others wait.
    assert_eq!(all(&root, "[data-testid=queue-item]").len(), 6);
    for name in ["a.png", "b.png", STALLED, BROKEN] {
        assert_eq!(state_of(&root, name), "waiting", "{name}");
    }
    assert_eq!(state_of(&root, "empty.png"), "rejected");
    assert!(
        text_of(&item(&root, "empty.png"), "[data-testid=queue-item-status]").contains("empty")
    );
    assert_eq!(state_of(&root, "setup.exe"), "rejected");
    assert_eq!(
        server.uploads.borrow().len(),
        0,
        "nothing sent before Convert"
    );

    // PNG files share one choice; one of them keeps its own.
    let shared = find(&root, "#target-type-png");
    assert!(text_of(&root, "label[for=target-type-png]").contains("Convert all PNG"));
    assert!(
        query(&root, "#target-type-csv").is_none(),
        "one CSV: no shared choice"
    );
    select(&find(&item(&root, "b.png"), "select"), "gif");
    settle().await;
    select(&shared, "pdf");
    settle().await;
    let chosen = |name: &str| {
        find(&item(&root, name), "select")
            .unchecked_into::<web_sys::HtmlSelectElement>()
            .value()
    };
    assert_eq!(chosen("a.png"), "pdf", "follows its type");
    assert_eq!(chosen("b.png"), "gif", "keeps its own");

    let start = text_of(&root, "[data-testid=queue-start]");
    assert_eq!(start, "Convert 4 files");
    click(&root, "[data-testid=queue-start]");

    for _ in 0..300 {
        let finished = ["a.png", "b.png", BROKEN]
            .iter()
            .all(|name| matches!(state_of(&root, name).as_str(), "done" | "failed"));
        if finished {
            break;
        }
        settle().await;
    }
    assert_eq!(state_of(&root, "a.png"), "done");
    assert_eq!(state_of(&root, "b.png"), "done");
    assert_eq!(state_of(&root, BROKEN), "failed");
    let reason = text_of(&item(&root, BROKEN), "[data-testid=queue-item-status]");
    assert!(
        reason.contains("Row 2 has 3 cells"),
        "the server's reason: {reason}"
    );
    assert!(query(&item(&root, BROKEN), "[data-testid=queue-retry]").is_some());
    assert_eq!(state_of(&root, STALLED), "uploading");
    assert!(query(&item(&root, STALLED), "[data-testid=queue-item-progress]").is_some());
    assert!(query(&item(&root, "a.png"), "[data-testid=queue-download]").is_some());
    assert!(query(&root, "[data-testid=download-all]").is_some());
    assert_eq!(
        text_of(&root, "[data-testid=queue-summary]"),
        "2 of 6 converted"
    );
    let said = text_of(&root, "[data-testid=job-status]");
    assert!(
        said.contains("converted") || said.contains("failed"),
        "{said}"
    );

    let mut targets = server.targets();
    targets.sort();
    assert_eq!(
        targets,
        [("a.png", "pdf"), ("b.png", "gif"), (BROKEN, "json")]
            .map(|(name, target)| (name.to_owned(), target.to_owned()))
    );

    // Cancel the upload in flight, remove a refused file: neither reaches a conversion.
    click(&item(&root, STALLED), "[data-testid=queue-cancel]");
    settle().await;
    assert_eq!(state_of(&root, STALLED), "cancelled");
    click(&item(&root, "empty.png"), "[data-testid=queue-remove]");
    settle().await;
    assert_eq!(all(&root, "[data-testid=queue-item]").len(), 5);
    assert_eq!(server.converts.borrow().len(), 3);
    assert!(
        server
            .uploads
            .borrow()
            .iter()
            .all(|(_, name)| name != STALLED),
        "the cancelled upload never reached the server"
    );

    // Trying the failed file again converts the job the server holds: no second upload.
    let count = |name: &str| server.targets().iter().filter(|(of, _)| of == name).count();
    click(&item(&root, BROKEN), "[data-testid=queue-retry]");
    wait_until(|| count(BROKEN) == 2 && state_of(&root, BROKEN) == "failed").await;
    let uploads_of_broken = server
        .uploads
        .borrow()
        .iter()
        .filter(|(_, name)| name == BROKEN)
        .count();
    assert_eq!(uploads_of_broken, 1, "not sent again");
    app.destroy();
    root.remove();
}
