//! Tool bootstrap: installs what is missing from crates.io, npm and Debian, skips what is
//! present, and never downloads a prebuilt binary from anywhere else.

use std::path::{Path, PathBuf};

use crate::{run, workspace};

const TRUNK_VERSION: &str = "0.21.14";
const BINARYEN_NPM: &str = "binaryen@132";
const WASM_OPT_VERSION: &str = "version 132";
/// Minifies the wasm-bindgen glue, which Trunk's own minifier cannot parse.
const TERSER_NPM: &str = "terser@5.51.4";
const TERSER_VERSION: &str = "terser 5.51.4";
/// The accessibility rules the e2e runs in the page (only its `axe.min.js` is used).
const AXE_NPM: &str = "axe-core@4.14.1";
const AXE_VERSION: &str = "4.14.1";
/// A CJK font for the e2e screenshots of the Chinese pages: without one, Chromium draws boxes.
const CJK_FONT_PACKAGE: &str = "fonts-wqy-microhei";
const CJK_FONT_FAMILY: &str = "WenQuanYi Micro Hei";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's nginx, run by the e2e as a static host.
pub const NGINX: &str = "/usr/sbin/nginx";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// What building the app needs.
    Build,
    /// Build tools plus the browser for tests.
    All,
}

/// Makes every tool of `need` present; one clear line per tool that cannot be installed.
pub fn ensure(need: Need) -> Result<(), String> {
    let mut missing = Vec::new();
    let steps: [fn() -> Result<(), String>; 4] = [wasm_target, wasm_bindgen_cli, trunk, npm_tools];
    for step in steps {
        if let Err(line) = step() {
            missing.push(line);
        }
    }
    if need == Need::All {
        for step in [chromium, cjk_font, nginx] {
            if let Err(line) = step() {
                missing.push(line);
            }
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    Err(format!("missing tools:\n  {}", missing.join("\n  ")))
}

fn wasm_target() -> Result<(), String> {
    let installed = std::process::Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).contains(WASM_TARGET))
        .unwrap_or(false);
    if installed {
        return Ok(());
    }
    announce("the wasm32 target", "rustup target add");
    run::status(run::command("rustup", &["target", "add", WASM_TARGET])).map_err(|error| {
        format!("rust target {WASM_TARGET}: `rustup target add {WASM_TARGET}` failed ({error}); install it with rustup, then rerun")
    })
}

/// wasm-bindgen-cli must be exactly the version in Cargo.lock, or the generated glue mismatches.
fn wasm_bindgen_cli() -> Result<(), String> {
    let version = locked_version("wasm-bindgen")?;
    let wanted = format!("wasm-bindgen {version}");
    let present = find("wasm-bindgen").and_then(|path| run::first_line(&path, &["--version"]));
    if present.as_deref() == Some(wanted.as_str()) && find("wasm-bindgen-test-runner").is_some() {
        return Ok(());
    }
    announce(
        &format!("wasm-bindgen-cli {version}"),
        "cargo install (~4 min)",
    );
    // Not --locked: the crate's own lock file names a version this registry lacks.
    let mut install = run::command(
        "cargo",
        &[
            "install",
            "wasm-bindgen-cli",
            "--version",
            &version,
            "--force",
        ],
    );
    install.env_remove("CARGO_TARGET_DIR");
    run::status(install).map_err(|error| {
        format!("wasm-bindgen-cli {version}: `cargo install wasm-bindgen-cli --version {version}` failed ({error}); check access to crates.io, then rerun")
    })
}

fn trunk() -> Result<(), String> {
    let present = find("trunk").and_then(|path| run::first_line(&path, &["--version"]));
    if present.is_some_and(|line| line.contains(TRUNK_VERSION)) {
        return Ok(());
    }
    announce(
        &format!("trunk {TRUNK_VERSION}"),
        "cargo install --locked (~11 min)",
    );
    let mut install = run::command(
        "cargo",
        &[
            "install",
            "trunk",
            "--version",
            TRUNK_VERSION,
            "--locked",
            "--force",
        ],
    );
    // Thin LTO-free release profile: 11 minutes instead of 15 on two cores.
    install
        .env_remove("CARGO_TARGET_DIR")
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16");
    run::status(install).map_err(|error| {
        format!("trunk {TRUNK_VERSION}: `cargo install trunk --version {TRUNK_VERSION} --locked` failed ({error}); check access to crates.io, then rerun")
    })
}

/// The terser the build minifies the JS glue with (from npm, in .tools/).
pub fn terser() -> PathBuf {
    workspace::tools_dir().join("node_modules/.bin/terser")
}

/// axe-core's browser bundle, which the e2e injects into the page (from npm, in .tools/).
pub fn axe_script() -> PathBuf {
    workspace::tools_dir().join("node_modules/axe-core/axe.min.js")
}

/// wasm-opt from npm's binaryen (Debian's binaryen 108 cannot parse our wasm), terser and
/// axe-core, into .tools/, in one npm install: a second `--no-save` install would prune the first.
fn npm_tools() -> Result<(), String> {
    let wasm_opt = workspace::tools_dir().join("node_modules/.bin/wasm-opt");
    let present = |tool: &Path, version: &str| {
        run::first_line(tool, &["--version"]).is_some_and(|line| line.contains(version))
    };
    if present(&wasm_opt, WASM_OPT_VERSION) && present(&terser(), TERSER_VERSION) && axe_present() {
        return Ok(());
    }
    let wanted = format!("{BINARYEN_NPM} {TERSER_NPM} {AXE_NPM}");
    if find("npm").is_none() {
        return Err(format!("wasm-opt, terser and axe-core ({wanted}): npm is not installed; install Node.js and npm (e.g. `apt-get install npm`), then rerun"));
    }
    announce(
        &format!("wasm-opt, terser and axe-core ({wanted})"),
        "npm install into .tools/",
    );
    let dir = workspace::tools_dir();
    std::fs::create_dir_all(&dir)
        .map_err(|error| format!("npm tools: cannot create {}: {error}", dir.display()))?;
    let prefix = dir.to_string_lossy().into_owned();
    run::status(run::command(
        "npm",
        &[
            "install",
            "--prefix",
            &prefix,
            "--no-audit",
            "--no-fund",
            "--no-save",
            BINARYEN_NPM,
            TERSER_NPM,
            AXE_NPM,
        ],
    ))
    .map_err(|error| {
        format!("wasm-opt, terser and axe-core: `npm install --prefix .tools {wanted}` failed ({error}); check access to the npm registry, then rerun")
    })
}

/// axe-core has no binary to ask: its package.json names the version, beside the bundle.
fn axe_present() -> bool {
    let manifest = workspace::tools_dir().join("node_modules/axe-core/package.json");
    let Ok(text) = std::fs::read_to_string(manifest) else {
        return false;
    };
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    compact.contains(&format!("\"version\":\"{AXE_VERSION}\"")) && axe_script().is_file()
}

fn chromium() -> Result<(), String> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    announce("chromium + chromium-driver", "apt-get install (~1.5 min)");
    debian_packages(&["chromium", "chromium-driver"])
}

/// Debian's WenQuanYi Micro Hei, which the e2e's Chromium falls back to for Chinese text.
fn cjk_font() -> Result<(), String> {
    // fontconfig is what Chromium asks; dpkg too, as fc-list comes with Chromium, which a first
    // run may not have yet.
    let listed = std::process::Command::new("fc-list")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains(CJK_FONT_FAMILY));
    let packaged = std::process::Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", CJK_FONT_PACKAGE])
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "install ok installed");
    if listed || packaged {
        return Ok(());
    }
    announce(CJK_FONT_PACKAGE, "apt-get install");
    debian_packages(&[CJK_FONT_PACKAGE])
}

/// nginx for the e2e's static host: Debian's smallest build, which the tests run as their own
/// process. Its package would start a system nginx on port 80: a `policy-rc.d` that refuses
/// every service start is in place during the install (and only then).
fn nginx() -> Result<(), String> {
    if Path::new(NGINX).exists() {
        return Ok(());
    }
    announce("nginx-light", "apt-get install, no service started");
    debian_packages(&["nginx-light"])
}

/// `apt-get install` as root (or through `sudo -n`, which fails at once rather than wait for
/// a password nobody will type in CI), with package lists refreshed once if they are stale,
/// and with service starts refused while it runs.
fn debian_packages(packages: &[&str]) -> Result<(), String> {
    const NO_STARTS: &str = "/usr/sbin/policy-rc.d";
    let install = format!(
        "set -e; created=; if [ ! -e {NO_STARTS} ]; then printf '#!/bin/sh\\nexit 101\\n' > {NO_STARTS}; \
         chmod +x {NO_STARTS}; created=1; fi; \
         trap '[ -z \"$created\" ] || rm -f {NO_STARTS}' EXIT; \
         apt-get install -y --no-install-recommends {list} || \
         {{ apt-get update && apt-get install -y --no-install-recommends {list}; }}",
        list = packages.join(" ")
    );
    let mut command = if is_root() {
        run::command("sh", &["-c", &install])
    } else {
        run::command("sudo", &["-n", "sh", "-c", &install])
    };
    command.env("DEBIAN_FRONTEND", "noninteractive");
    run::status(command).map_err(|error| {
        format!(
            "`apt-get install {}` failed ({error}); install the Debian packages as root, then rerun",
            packages.join(" ")
        )
    })
}

/// The version of `package` in Cargo.lock.
fn locked_version(package: &str) -> Result<String, String> {
    let lock_path = workspace::root().join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path)
        .map_err(|error| format!("cannot read {}: {error}", lock_path.display()))?;
    let name_line = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == name_line {
            if let Some(version) = lines
                .next()
                .and_then(|next| next.trim().strip_prefix("version = \""))
                .and_then(|rest| rest.strip_suffix('"'))
            {
                return Ok(version.to_owned());
            }
        }
    }
    Err(format!("{package} is not in Cargo.lock"))
}

/// The first `name` on the tool PATH.
pub fn find(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&workspace::tool_path())
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
        .unwrap_or(false)
}

fn announce(what: &str, how: &str) {
    eprintln!("xtask: installing {what} ({how})");
}
