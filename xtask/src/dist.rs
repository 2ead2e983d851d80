//! The release build of the app (Trunk) and its size report.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{run, tools, workspace};

/// Builds dist/ in release mode and prints the size of each wasm/js/css file.
pub fn build_release() -> Result<PathBuf, String> {
    tools::ensure(tools::Need::Build)?;
    // `--release=true`: a bare `--release` followed by the target path is misparsed by Trunk.
    run::status(run::command(
        "trunk",
        &["build", "--release=true", "--offline=true", "index.html"],
    ))?;
    let dist = workspace::dist_dir();
    print_sizes(&dist)?;
    Ok(dist)
}

fn print_sizes(dist: &Path) -> Result<(), String> {
    let entries = std::fs::read_dir(dist)
        .map_err(|error| format!("cannot read {}: {error}", dist.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            matches!(
                path.extension().and_then(|ext| ext.to_str()),
                Some("wasm" | "js" | "css")
            )
        })
        .collect();
    files.sort();
    println!("bundle size (raw / gzip):");
    let (mut raw_total, mut gzip_total) = (0, 0);
    for path in files {
        let bytes = std::fs::read(&path)
            .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        let gzipped = gzip_len(&bytes);
        raw_total += bytes.len();
        gzip_total += gzipped;
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!(
            "  {:<48} {:>9} / {:>9}",
            name,
            kib(bytes.len()),
            kib(gzipped)
        );
    }
    println!(
        "  {:<48} {:>9} / {:>9}",
        "total",
        kib(raw_total),
        kib(gzip_total)
    );
    Ok(())
}

fn gzip_len(bytes: &[u8]) -> usize {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().map(|out| out.len()).unwrap_or(0)
}

fn kib(bytes: usize) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}
