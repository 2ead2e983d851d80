//! The release build of the app: Trunk's build, the prerendered first view, the precompressed
//! assets a CDN serves, and the size report.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{run, tools, workspace};

/// Where Trunk puts every hashed asset (`data-target-path` in index.html): one cache rule.
const ASSETS: &str = "assets";

/// Builds dist/ in release mode, prerenders its first view, writes `.br` and `.gz` beside each
/// asset, and prints the sizes.
pub fn build_release() -> Result<PathBuf, String> {
    tools::ensure(tools::Need::Build)?;
    // `--release=true`: a bare `--release` followed by the target path is misparsed by Trunk.
    run::status(run::command(
        "trunk",
        &["build", "--release=true", "--offline=true", "index.html"],
    ))?;
    let dist = workspace::dist_dir();
    let dist_arg = dist.to_string_lossy().into_owned();
    run::status(run::command(
        "cargo",
        &[
            "run",
            "--quiet",
            "--package",
            "trustyconvert-prerender",
            "--",
            &dist_arg,
        ],
    ))?;
    let assets = dist.join(ASSETS);
    let sizes = precompress(&assets)?;
    print_sizes(&sizes);
    Ok(dist)
}

/// One asset's size raw and in each encoding the server can send.
struct Sizes {
    name: String,
    raw: usize,
    gzip: usize,
    brotli: usize,
}

/// Writes `NAME.gz` and `NAME.br` beside each asset (index.html is left alone: a deploy step
/// may still rewrite it, and the server compresses it on the fly).
fn precompress(assets: &Path) -> Result<Vec<Sizes>, String> {
    let entries = std::fs::read_dir(assets)
        .map_err(|error| format!("cannot read {}: {error}", assets.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.is_file()
                && !matches!(
                    path.extension().and_then(|ext| ext.to_str()),
                    Some("gz" | "br")
                )
        })
        .collect();
    files.sort();
    let mut sizes = Vec::with_capacity(files.len());
    for path in files {
        let bytes = std::fs::read(&path)
            .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        let gzipped = gzip(&bytes)?;
        let brotli = brotli(&bytes)?;
        write_beside(&path, "gz", &gzipped)?;
        write_beside(&path, "br", &brotli)?;
        sizes.push(Sizes {
            name: path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default(),
            raw: bytes.len(),
            gzip: gzipped.len(),
            brotli: brotli.len(),
        });
    }
    Ok(sizes)
}

fn write_beside(path: &Path, extension: &str, bytes: &[u8]) -> Result<(), String> {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(extension);
    std::fs::write(&name, bytes)
        .map_err(|error| format!("cannot write {}: {error}", Path::new(&name).display()))
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .map_err(|error| format!("gzip failed: {error}"))
}

fn brotli(bytes: &[u8]) -> Result<Vec<u8>, String> {
    // Quality 11 and a 16 MiB window: the build pays once, every visit gains.
    let mut encoder = brotli::CompressorWriter::new(Vec::new(), 64 * 1024, 11, 24);
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.flush())
        .map_err(|error| format!("brotli failed: {error}"))?;
    Ok(encoder.into_inner())
}

fn print_sizes(sizes: &[Sizes]) {
    println!(
        "bundle size ({ASSETS}/):  {:>10} {:>10} {:>10}",
        "raw", "gzip", "brotli"
    );
    let mut total = (0, 0, 0);
    for size in sizes {
        total = (
            total.0 + size.raw,
            total.1 + size.gzip,
            total.2 + size.brotli,
        );
        print_row(&size.name, size.raw, size.gzip, size.brotli);
    }
    print_row("total", total.0, total.1, total.2);
}

fn print_row(name: &str, raw: usize, gzip: usize, brotli: usize) {
    println!(
        "  {name:<48} {:>10} {:>10} {:>10}",
        kib(raw),
        kib(gzip),
        kib(brotli)
    );
}

fn kib(bytes: usize) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}
