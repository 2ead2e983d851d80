//! First load on an emulated phone network: how long until a person can choose a file in the
//! built app, against a static page holding only the file input, both served by the reference
//! server and loaded interleaved in headless Chromium (issue 9, DESIGN.md "First load").
//!
//! Lighthouse's slow 4G (150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up), cache disabled,
//! a fresh browser profile per load, median of 5. chromedriver delivers no CDP events, so
//! everything is measured in the page: a script installed before the page's own code records
//! when `label[for=file-input]` and `#file-input` exist ("usable"), the paint entries give
//! first-contentful-paint, the app's `performance.mark("hydrated")` gives "hydrated", and
//! Resource Timing's `transferSize` gives the bytes on the wire.
//!
//! `cargo xtask bench` runs it with TRUSTYCONVERT_DIST, CHROMEDRIVER and CHROMIUM set. To
//! measure another build in the same run (an older one, say), pass `--compare <dist dir>` or
//! set TRUSTYCONVERT_BENCH_COMPARE_DIST: it is served by the same server code.

use std::path::{Path, PathBuf};
use std::time::Duration;

use fantoccini::Client;
use serde_json::{json, Value};
use tempfile::TempDir;
use trustyconvert_e2e::browser::{self, BrowserOptions, Chromedriver};
use trustyconvert_e2e::{screens, Result};

const LOADS: usize = 5;
const LATENCY_MS: f64 = 150.0;
const DOWN_BITS_PER_S: f64 = 1.6e6;
const UP_BITS_PER_S: f64 = 750e3;
/// The issue's goal: a usable input within this many times the static page's.
const GOAL_RATIO: f64 = 3.0;
/// Bounds only, so a broken build cannot hang the run; slow 4G needs a few seconds at most.
const HYDRATION_TIMEOUT: Duration = Duration::from_secs(30);
const PAINT_TIMEOUT: Duration = Duration::from_secs(5);

/// The smallest page that offers the same thing: a label and a file input, nothing else.
const STATIC_PAGE: &str = r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>One input</title></head>
<body><label for="file-input">Choose file</label><input type="file" id="file-input"></body>
</html>
"#;

/// Installed with `Page.addScriptToEvaluateOnNewDocument`, so it runs before anything of the
/// page: both elements are in the HTML itself, a later observer would miss the moment. `input`
/// alone is kept too, for builds whose "Choose file" is no label (an older build compared).
const OBSERVER: &str = r#"(() => {
  const marks = { usable: null, input: null };
  Object.defineProperty(window, '__firstLoad', { value: marks });
  let observer = null;
  const check = () => {
    if (marks.input === null && document.getElementById('file-input')) {
      marks.input = performance.now();
    }
    if (marks.input !== null && marks.usable === null
        && document.querySelector('label[for="file-input"]')) {
      marks.usable = performance.now();
      if (observer) observer.disconnect();
    }
  };
  check();
  if (marks.usable === null) {
    observer = new MutationObserver(check);
    observer.observe(document, { childList: true, subtree: true });
  }
})();"#;

/// Read once the page is hydrated (app) or loaded (static), before anything else is fetched.
const READ_METRICS: &str = r#"
  const marks = window.__firstLoad || {};
  const paint = performance.getEntriesByType('paint')
    .find((entry) => entry.name === 'first-contentful-paint');
  const hydrated = performance.getEntriesByName('hydrated', 'mark')[0];
  const navigation = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const wasm = resources.filter((entry) => new URL(entry.name).pathname.endsWith('.wasm'));
  return {
    usable: marks.usable ?? null,
    input: marks.input ?? null,
    fcp: paint ? paint.startTime : null,
    hydrated: hydrated ? hydrated.startTime : null,
    bytes: (navigation ? navigation.transferSize : 0)
      + resources.reduce((sum, entry) => sum + entry.transferSize, 0),
    wasmBytes: wasm.length ? wasm.reduce((sum, entry) => sum + entry.transferSize, 0) : null,
    wasmUrl: wasm.length ? wasm[0].name : null,
    requests: 1 + resources.length,
  };
"#;

/// Asks the server again for the page and the wasm, the way the page would, and returns each
/// response's Content-Encoding (the body is not read: only the headers matter).
const PROBE_ENCODINGS: &str = r#"
  const done = arguments[arguments.length - 1];
  Promise.all(arguments[0].map((url) => fetch(url, { cache: 'no-store' }).then(
    (response) => {
      const encoding = response.headers.get('content-encoding') || 'none';
      if (response.body) response.body.cancel();
      return response.ok ? encoding : `HTTP ${response.status}`;
    },
    (error) => `fetch failed: ${error}`,
  ))).then(done);
"#;

/// One page under test and what its loads measured.
struct Page {
    name: &'static str,
    url: String,
    /// Whether to wait for the `hydrated` mark; dropped after a load that never set it.
    expects_mark: bool,
    samples: Vec<Sample>,
    /// Content-Encoding of the HTML and of the wasm (if any), probed on the first load.
    encodings: Option<(String, Option<String>)>,
}

#[derive(Debug, Clone, Copy)]
struct Sample {
    /// ms since navigation start; `input_only` when the build has no label for the input.
    usable: Option<f64>,
    input_only: bool,
    fcp: Option<f64>,
    hydrated: Option<f64>,
    bytes: f64,
    wasm_bytes: Option<f64>,
    /// The page and its resources, to see what the bytes are made of.
    requests: usize,
}

#[tokio::main]
async fn main() -> Result<()> {
    let app_dist = std::env::var_os("TRUSTYCONVERT_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist"));
    check_dist(&app_dist)?;
    let compare_dist = compare_dist()?;

    let static_dir = tempfile::tempdir()?;
    std::fs::write(static_dir.path().join("index.html"), STATIC_PAGE)?;

    // Each page on its own server of the same code; the folders must outlive the servers.
    let mut servers = Vec::new();
    let mut pages = Vec::new();
    let mut sites: Vec<(&'static str, &Path, bool)> = vec![
        ("app", app_dist.as_path(), true),
        ("static", static_dir.path(), false),
    ];
    if let Some(compare) = &compare_dist {
        sites.push(("compare", compare.as_path(), true));
    }
    for (name, dist, expects_mark) in sites {
        let (server, data) = serve(dist).await?;
        pages.push(Page {
            name,
            url: format!("http://{}/", server.addr()),
            expects_mark,
            samples: Vec::with_capacity(LOADS),
            encodings: None,
        });
        servers.push((server, data));
    }

    println!(
        "\n== first load: slow 4G ({LATENCY_MS} ms round trip, {} Mbit/s down, {} kbit/s up), \
         cache off, fresh profile, median of {LOADS}",
        DOWN_BITS_PER_S / 1e6,
        UP_BITS_PER_S / 1e3
    );
    println!("app: {}", app_dist.display());
    if let Some(compare) = &compare_dist {
        println!("compare: {}", compare.display());
    }

    let driver = Chromedriver::start().await?;
    // Interleaved, so a slow moment of the machine falls on every page alike.
    for round in 1..=LOADS {
        for page in &mut pages {
            let sample = load(&driver, page).await?;
            println!("  load {round} {:<8} {}", page.name, describe(&sample));
            page.samples.push(sample);
        }
    }
    drop(driver);
    for (server, _data) in servers {
        server.shutdown().await;
    }

    report(&pages);
    Ok(())
}

fn check_dist(dist: &Path) -> Result<()> {
    if dist.join("index.html").is_file() {
        Ok(())
    } else {
        Err(format!(
            "no built app at {} (run `cargo xtask dist`)",
            dist.display()
        )
        .into())
    }
}

/// `--compare <dir>` or TRUSTYCONVERT_BENCH_COMPARE_DIST: another build to load alongside.
fn compare_dist() -> Result<Option<PathBuf>> {
    let mut args = std::env::args_os().skip(1);
    let mut compare = std::env::var_os("TRUSTYCONVERT_BENCH_COMPARE_DIST")
        .filter(|value| !value.is_empty())
        .map(PathBuf::from);
    while let Some(arg) = args.next() {
        if arg == "--compare" {
            let dir = args.next().ok_or("--compare needs a dist folder")?;
            compare = Some(PathBuf::from(dir));
        } else {
            return Err(format!(
                "unknown argument {arg:?}; usage: first_load [--compare <dist dir>]"
            )
            .into());
        }
    }
    if let Some(dir) = &compare {
        check_dist(dir)?;
    }
    Ok(compare)
}

/// The reference server serving `dist` on a free port, as the e2e starts it.
async fn serve(dist: &Path) -> Result<(trustyconvert_server::RunningServer, TempDir)> {
    let data = tempfile::tempdir()?;
    let config = trustyconvert_server::Config {
        bind: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        dist_dir: dist.to_path_buf(),
        data_dir: data.path().to_path_buf(),
        // Every load comes from 127.0.0.1.
        rate_limits_enabled: false,
        ..trustyconvert_server::Config::default()
    };
    let server = trustyconvert_server::start(config).await?;
    Ok((server, data))
}

/// One load in a fresh browser (new profile, so no cache, cookie or connection is reused).
async fn load(driver: &Chromedriver, page: &mut Page) -> Result<Sample> {
    let profile = tempfile::tempdir()?;
    let downloads = tempfile::tempdir()?;
    let options = BrowserOptions {
        window: screens::DESKTOP,
        download_dir: downloads.path().to_path_buf(),
        // Navigation returns after the load event; the page has measured itself by then.
        page_load_strategy: "normal",
        secure_origins: Vec::new(),
    };
    let client = browser::open(driver, profile.path(), &options).await?;
    let measured = measure(&client, page).await;
    let closed = client.close().await;
    let sample = measured.map_err(|error| format!("{}: {error}", page.name))?;
    closed?;
    Ok(sample)
}

async fn measure(client: &Client, page: &mut Page) -> Result<Sample> {
    browser::cdp(client, "Network.enable", json!({})).await?;
    browser::cdp(
        client,
        "Network.setCacheDisabled",
        json!({ "cacheDisabled": true }),
    )
    .await?;
    browser::cdp(
        client,
        "Network.emulateNetworkConditions",
        json!({
            "offline": false,
            "latency": LATENCY_MS,
            // Bytes per second.
            "downloadThroughput": DOWN_BITS_PER_S / 8.0,
            "uploadThroughput": UP_BITS_PER_S / 8.0,
        }),
    )
    .await?;
    browser::cdp(
        client,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": OBSERVER }),
    )
    .await?;

    client.goto(&page.url).await?;
    if page.expects_mark {
        let marked = wait_until(
            client,
            "return performance.getEntriesByName('hydrated', 'mark').length > 0;",
            HYDRATION_TIMEOUT,
        )
        .await?;
        if !marked {
            println!(
                "  {}: no performance.mark(\"hydrated\") within {}s: this build sets none? \
                 Not waiting for it again.",
                page.name,
                HYDRATION_TIMEOUT.as_secs()
            );
            page.expects_mark = false;
        }
    }
    // A build without the mark renders its input only once its wasm has run: wait for it, or
    // its time and bytes would be read before it got there.
    wait_until(
        client,
        "const marks = window.__firstLoad; return !!marks && marks.input !== null;",
        HYDRATION_TIMEOUT,
    )
    .await?;
    wait_until(
        client,
        "return document.readyState === 'complete';",
        HYDRATION_TIMEOUT,
    )
    .await?;
    // Paint entries can land just after load; a page that never paints reports none.
    wait_until(
        client,
        "return performance.getEntriesByType('paint').length > 0;",
        PAINT_TIMEOUT,
    )
    .await?;

    let metrics = client.execute(READ_METRICS, vec![]).await?;
    let usable = number(&metrics, "usable");
    let input = number(&metrics, "input");
    let sample = Sample {
        usable: usable.or(input),
        input_only: usable.is_none() && input.is_some(),
        fcp: number(&metrics, "fcp"),
        hydrated: number(&metrics, "hydrated"),
        bytes: number(&metrics, "bytes").ok_or("the page reported no transfer sizes")?,
        wasm_bytes: number(&metrics, "wasmBytes"),
        requests: metrics
            .get("requests")
            .and_then(Value::as_u64)
            .and_then(|count| usize::try_from(count).ok())
            .unwrap_or(0),
    };

    // After the bytes are read: the probe's own requests would count otherwise.
    if page.encodings.is_none() {
        let wasm_url = metrics.get("wasmUrl").and_then(Value::as_str);
        let mut urls = vec![Value::from(page.url.as_str())];
        urls.extend(wasm_url.map(Value::from));
        let answer = client
            .execute_async(PROBE_ENCODINGS, vec![json!(urls)])
            .await?;
        let encodings: Vec<String> = answer
            .as_array()
            .ok_or("the encoding probe returned no list")?
            .iter()
            .map(|value| value.as_str().unwrap_or("?").to_owned())
            .collect();
        let mut encodings = encodings.into_iter();
        let html = encodings
            .next()
            .ok_or("the encoding probe returned nothing for the page")?;
        page.encodings = Some((html, encodings.next()));
    }
    Ok(sample)
}

/// Polls `script` (which returns a boolean) until true or `timeout`; false on timeout.
async fn wait_until(client: &Client, script: &str, timeout: Duration) -> Result<bool> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if client.execute(script, vec![]).await?.as_bool() == Some(true) {
            return Ok(true);
        }
        if tokio::time::Instant::now() > deadline {
            return Ok(false);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn number(metrics: &Value, key: &str) -> Option<f64> {
    metrics.get(key).and_then(Value::as_f64)
}

fn describe(sample: &Sample) -> String {
    format!(
        "usable {}{}  fcp {}  hydrated {}  {} in {} requests",
        ms(sample.usable),
        if sample.input_only { "*" } else { "" },
        ms(sample.fcp),
        ms(sample.hydrated),
        kb(Some(sample.bytes)),
        sample.requests,
    )
}

/// The median of the values present; None when no load had one.
fn median(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let mut present: Vec<f64> = values.flatten().collect();
    if present.is_empty() {
        return None;
    }
    present.sort_by(f64::total_cmp);
    let middle = present.len() / 2;
    Some(if present.len() % 2 == 1 {
        present[middle]
    } else {
        (present[middle - 1] + present[middle]) / 2.0
    })
}

struct Medians {
    usable: Option<f64>,
    input_only: bool,
    fcp: Option<f64>,
    hydrated: Option<f64>,
    bytes: Option<f64>,
    wasm_bytes: Option<f64>,
    /// Loads that measured no usable time (out of LOADS).
    missing_usable: usize,
}

fn medians(page: &Page) -> Medians {
    let samples = &page.samples;
    Medians {
        usable: median(samples.iter().map(|s| s.usable)),
        input_only: samples.iter().any(|s| s.input_only),
        fcp: median(samples.iter().map(|s| s.fcp)),
        hydrated: median(samples.iter().map(|s| s.hydrated)),
        bytes: median(samples.iter().map(|s| Some(s.bytes))),
        wasm_bytes: median(samples.iter().map(|s| s.wasm_bytes)),
        missing_usable: samples.iter().filter(|s| s.usable.is_none()).count(),
    }
}

fn report(pages: &[Page]) {
    let all: Vec<(&Page, Medians)> = pages.iter().map(|page| (page, medians(page))).collect();
    let baseline = all.iter().find(|(page, _)| page.name == "static");
    let (base_usable, base_fcp) = baseline
        .map(|(_, m)| (m.usable, m.fcp))
        .unwrap_or((None, None));

    println!(
        "\n{:<8} {:>20} {:>20} {:>20} {:>10} {:>10}",
        "page", "usable", "first paint", "hydrated", "bytes", "wasm"
    );
    for (page, m) in &all {
        let usable = format!(
            "{}{}",
            with_ratio(m.usable, base_usable, page.name),
            if m.input_only { "*" } else { "" }
        );
        println!(
            "{:<8} {:>20} {:>20} {:>20} {:>10} {:>10}",
            page.name,
            usable,
            with_ratio(m.fcp, base_fcp, page.name),
            with_ratio(m.hydrated, base_usable, page.name),
            kb(m.bytes),
            kb(m.wasm_bytes),
        );
    }
    println!(
        "times: ms since navigation start; ratios: usable and hydrated to the static page's usable, \
         first paint to its first paint; bytes: transferSize of the page and every resource"
    );
    if all.iter().any(|(_, m)| m.input_only) {
        println!("* no label[for=file-input] in that build: the time #file-input appeared");
    }
    for (page, m) in &all {
        if m.missing_usable > 0 {
            println!(
                "{}: {} of {LOADS} loads never had the file input",
                page.name, m.missing_usable
            );
        }
    }

    let encodings: Vec<String> = pages
        .iter()
        .map(|page| match &page.encodings {
            Some((html, Some(wasm))) => format!("{} html {html}, wasm {wasm}", page.name),
            Some((html, None)) => format!("{} html {html}", page.name),
            None => format!("{} not probed", page.name),
        })
        .collect();
    // Chromium offers br only to HTTPS and to localhost (as here): a public http:// host would
    // get gzip, which is what a CDN in front sends such a browser.
    println!(
        "content-encoding the browser got (http://127.0.0.1): {}",
        encodings.join("; ")
    );

    let goal: Vec<String> = all
        .iter()
        .filter(|(page, _)| page.name != "static")
        .map(|(page, m)| match (m.usable, base_usable) {
            (Some(usable), Some(base)) if base > 0.0 => {
                format!("{} {:.1}x", page.name, usable / base)
            }
            _ => format!("{} -", page.name),
        })
        .collect();
    println!(
        "goal (issue 9): a usable input within {GOAL_RATIO}x the static page; now: {}",
        goal.join(", ")
    );
    // The static page cannot be usable before one round trip: less means no emulation.
    if let Some(base) = base_usable {
        if base < LATENCY_MS {
            println!(
                "warning: the static page was usable after {base:.0} ms, under one emulated \
                 round trip ({LATENCY_MS} ms): the network emulation did not apply"
            );
        }
    }
}

fn with_ratio(value: Option<f64>, base: Option<f64>, name: &str) -> String {
    match (value, base) {
        (Some(value), Some(base)) if name != "static" && base > 0.0 => {
            format!("{} = {:.1}x", ms(Some(value)), value / base)
        }
        (value, _) => ms(value),
    }
}

fn ms(value: Option<f64>) -> String {
    match value {
        Some(value) => format!("{} ms", thousands(value.round() as u64)),
        None => "-".to_owned(),
    }
}

fn kb(bytes: Option<f64>) -> String {
    match bytes {
        Some(bytes) => format!("{:.1} KB", bytes / 1000.0),
        None => "-".to_owned(),
    }
}

fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
