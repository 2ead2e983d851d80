//! Where things are: the workspace root, the shared build cache, the repo-local tool folder.

use std::path::PathBuf;

/// The workspace root (the parent of this crate).
pub fn root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .unwrap_or(manifest_dir)
}

/// Tools installed per checkout (wasm-opt from npm); ignored by git.
pub fn tools_dir() -> PathBuf {
    root().join(".tools")
}

pub fn dist_dir() -> PathBuf {
    root().join("dist")
}

/// The cargo target dir for everything xtask builds. Dependencies compile once per machine:
/// a fresh clone reuses `~/.cache/trustyconvert/target` unless CARGO_TARGET_DIR says otherwise.
pub fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    match std::env::var_os("HOME") {
        Some(home) => PathBuf::from(home).join(".cache/trustyconvert/target"),
        None => root().join("target"),
    }
}

/// PATH with the repo's tools and cargo's bin folder first, so pinned versions win.
pub fn tool_path() -> std::ffi::OsString {
    let mut dirs = vec![tools_dir().join("node_modules/.bin")];
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}
