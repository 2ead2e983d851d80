//! The queue's memory: ten 20 MB files converted at once must not grow the page's memory by
//! more than a few MiB, because files are sent as the browser's own `File`s and never read
//! into the page (issue 14). Measured in headless Chromium against the reference server: the
//! JS heap after a forced garbage collection (CDP `Runtime.getHeapUsage`) and the wasm
//! memory's size (`WebAssembly.Memory`, which the JS heap figures do not include), before the
//! files are chosen and once every file is converted; printed as a ratio to the files' size.
//!
//! `cargo xtask bench` runs it with TRUSTYCONVERT_DIST, CHROMEDRIVER and CHROMIUM set.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{json, Value};
use trustyconvert_e2e::browser::cdp;
use trustyconvert_e2e::flow::{choose_files, ready, wait_for_state, write_file};
use trustyconvert_e2e::{Result, Stack, StackOptions};

const FILES: usize = 10;
const WIDTH: u32 = 2_600;
/// 2,600 × 2,600 pixels of noise: a PNG of about 20 MB that no encoder can shrink.
const HEIGHT: u32 = 2_600;

/// Keeps the wasm instance's memory where the bench can read it: Trunk's loader announces the
/// instance with `TrunkApplicationStarted`.
const KEEP_MEMORY: &str = "addEventListener('TrunkApplicationStarted', \
    event => { window.__wasmMemory = event.detail.wasm.memory; });";

#[derive(Debug, Clone, Copy)]
struct Memory {
    js_heap: f64,
    wasm: f64,
}

async fn measure(stack: &Stack) -> Result<Memory> {
    cdp(&stack.browser, "HeapProfiler.collectGarbage", json!({})).await?;
    let heap = cdp(&stack.browser, "Runtime.getHeapUsage", json!({})).await?;
    let wasm = stack
        .browser
        .execute(
            "return window.__wasmMemory ? window.__wasmMemory.buffer.byteLength : null",
            vec![],
        )
        .await?;
    Ok(Memory {
        js_heap: heap["usedSize"].as_f64().ok_or("no usedSize")?,
        wasm: wasm
            .as_f64()
            .ok_or("the app's wasm memory was not announced")?,
    })
}

fn noise_png(dir: &std::path::Path) -> Result<Vec<u8>> {
    let mut seed: u32 = 0x9E37_79B9;
    let image = image::RgbImage::from_fn(WIDTH, HEIGHT, |_, _| {
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed as u8
        };
        image::Rgb([next(), next(), next()])
    });
    let path = dir.join("noise.png");
    image.save_with_format(&path, image::ImageFormat::Png)?;
    Ok(std::fs::read(path)?)
}

async fn states_settled(stack: &Stack) -> Result<Option<Vec<String>>> {
    let value: Value = stack
        .browser
        .execute(
            "return Array.from(document.querySelectorAll('[data-testid=queue-item]'))
                .map(item => item.dataset.state);",
            vec![],
        )
        .await?;
    let states: Vec<String> = serde_json::from_value(value)?;
    let busy = states
        .iter()
        .any(|state| matches!(state.as_str(), "waiting" | "uploading" | "converting"));
    Ok((!busy && states.len() == FILES).then_some(states))
}

#[tokio::main]
async fn main() -> Result<()> {
    let inputs = tempfile::tempdir()?;
    let png = noise_png(inputs.path())?;
    let paths: Vec<PathBuf> = (0..FILES)
        .map(|n| write_file(inputs.path(), &format!("noise-{n}.png"), &png))
        .collect::<Result<_>>()?;
    let total = (png.len() * FILES) as f64;

    let stack = ready(StackOptions::default()).await?;
    cdp(
        &stack.browser,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": KEEP_MEMORY }),
    )
    .await?;
    stack.open_app("/").await?;
    stack.wait_for_text("#dropzone-hint", "PNG").await?;
    let before = measure(&stack).await?;

    choose_files(&stack, &paths).await?;
    wait_for_state(&stack, "queue").await?;
    stack.click("[data-testid=queue-start]").await?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(600);
    let states = loop {
        if let Some(states) = states_settled(&stack).await? {
            break states;
        }
        if tokio::time::Instant::now() > deadline {
            return Err("the queue did not finish in 10 minutes".into());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let after = measure(&stack).await?;
    stack.stop().await?;

    let mib = |bytes: f64| bytes / (1024.0 * 1024.0);
    let growth = (after.js_heap - before.js_heap) + (after.wasm - before.wasm);
    println!(
        "queue memory: {FILES} files of {:.1} MiB ({:.0} MiB), states {:?}",
        mib(png.len() as f64),
        mib(total),
        states
    );
    println!(
        "  JS heap {:.1} → {:.1} MiB, wasm memory {:.1} → {:.1} MiB",
        mib(before.js_heap),
        mib(after.js_heap),
        mib(before.wasm),
        mib(after.wasm)
    );
    println!(
        "  growth {:.2} MiB = {:.4} of the files' size (the goal: a few MiB)",
        mib(growth),
        growth / total
    );
    Ok(())
}
