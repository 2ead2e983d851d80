//! Accessibility checks with axe-core, run in the page as it is: the WCAG 2.0 and 2.1 A and AA
//! rules, so a test can check each state the user can reach, not only the first load.

use std::path::PathBuf;

use fantoccini::Client;
use serde_json::{json, Value};

use crate::console::text;
use crate::Result;

/// The rule sets checked: WCAG 2.0 and 2.1, levels A and AA.
const WCAG_TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// Runs axe and keeps only what a failure message shows: the full results run to megabytes.
const RUN_AXE: &str = "const done = arguments[arguments.length - 1];
    window.axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})
        .then(results => done({violations: results.violations.map(rule => ({
            id: rule.id,
            impact: rule.impact || '',
            help: rule.help,
            helpUrl: rule.helpUrl,
            nodes: rule.nodes.map(node => ({
                // A selector per frame, each a list when it crosses shadow roots.
                target: node.target.map(part => [].concat(part).join(' >>> ')).join(' | '),
                failureSummary: node.failureSummary || '',
            })),
        }))}))
        .catch(error => done({error: String((error && error.stack) || error)}));";

/// One rule the page breaks, with every element that breaks it.
#[derive(Debug, Clone)]
pub struct Violation {
    /// axe's rule id, e.g. `color-contrast`.
    pub rule: String,
    /// `minor`, `moderate`, `serious` or `critical`.
    pub impact: String,
    pub help: String,
    pub help_url: String,
    pub nodes: Vec<ViolatingNode>,
}

/// An element that breaks a rule.
#[derive(Debug, Clone)]
pub struct ViolatingNode {
    /// The CSS selector axe found the element by.
    pub target: String,
    /// What to fix, in axe's words (several lines).
    pub failure_summary: String,
}

/// axe-core's browser bundle, which `cargo xtask tools` installs into the workspace's .tools/.
pub fn script_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.tools/node_modules/axe-core/axe.min.js")
}

/// The WCAG 2.1 A/AA violations of the page `client` shows now.
pub async fn violations(client: &Client) -> Result<Vec<Violation>> {
    inject(client).await?;
    let outcome = client
        .execute_async(RUN_AXE, vec![json!(WCAG_TAGS)])
        .await?;
    if let Some(error) = outcome.get("error").and_then(Value::as_str) {
        return Err(format!("axe.run failed: {error}").into());
    }
    let rules = outcome
        .get("violations")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("axe.run returned no violations list: {outcome}"))?;
    Ok(rules
        .iter()
        .map(|rule| Violation {
            rule: text(rule, "id"),
            impact: text(rule, "impact"),
            help: text(rule, "help"),
            help_url: text(rule, "helpUrl"),
            nodes: rule
                .get("nodes")
                .and_then(Value::as_array)
                .map(|nodes| {
                    nodes
                        .iter()
                        .map(|node| ViolatingNode {
                            target: text(node, "target"),
                            failure_summary: text(node, "failureSummary"),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect())
}

/// Fails with every violation listed (rule, impact, element, what to fix) if the page `client`
/// shows now breaks a WCAG 2.1 A/AA rule; `state` names the page and its state in the message.
pub async fn assert_no_violations(client: &Client, state: &str) -> Result<()> {
    let found = violations(client).await?;
    if found.is_empty() {
        return Ok(());
    }
    let url = client
        .current_url()
        .await
        .map(|url| url.to_string())
        .unwrap_or_default();
    Err(format!(
        "axe found {} WCAG 2.1 A/AA violation(s) on {state} ({url}):\n{}",
        found.len(),
        report(&found)
    )
    .into())
}

/// The violations, one block per rule, readable in a test failure.
pub fn report(violations: &[Violation]) -> String {
    let mut out = String::new();
    for violation in violations {
        out.push_str(&format!(
            "- {} ({}): {}\n  {}\n",
            violation.rule, violation.impact, violation.help, violation.help_url
        ));
        for node in &violation.nodes {
            out.push_str(&format!("  * {}\n", node.target));
            for line in node.failure_summary.lines() {
                out.push_str(&format!("      {}\n", line.trim()));
            }
        }
    }
    out
}

/// Loads axe into the page, once per page. WebDriver's scripts are not subject to the page's
/// Content-Security-Policy, so the strict policy the app is served with does not stop it.
async fn inject(client: &Client) -> Result<()> {
    let loaded = client
        .execute("return typeof window.axe?.run === 'function'", vec![])
        .await?;
    if loaded.as_bool() == Some(true) {
        return Ok(());
    }
    let path = script_path();
    let source = std::fs::read_to_string(&path).map_err(|error| {
        format!(
            "cannot read axe-core at {}: {error} (run `cargo xtask tools`)",
            path.display()
        )
    })?;
    if let Err(direct) = client.execute(&source, vec![]).await {
        // Some drivers choke on a script this size as a function body: evaluate it as data.
        client
            .execute("Function(arguments[0])();", vec![Value::String(source)])
            .await
            .map_err(|wrapped| {
                format!("cannot inject axe-core: {direct}; through Function too: {wrapped}")
            })?;
    }
    let loaded = client
        .execute("return typeof window.axe?.run === 'function'", vec![])
        .await?;
    if loaded.as_bool() != Some(true) {
        return Err("axe-core ran but defined no window.axe.run".into());
    }
    Ok(())
}
