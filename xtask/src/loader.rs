//! Trunk writes the app's loader (import the glue, init the wasm, announce the start) as an
//! inline `<script type=module>`. A strict Content-Security-Policy blocks inline scripts unless
//! it names each one's hash; as an external file under `assets/` it needs nothing but
//! `script-src 'self'`, and the page keeps no inline script at all.

use std::path::Path;

/// Moves every inline script of `page` into `assets/start-HASH.js` and loads it from there
/// with the same type and a subresource-integrity digest. Returns how many it moved.
pub fn externalize_inline_scripts(dist: &Path, page: &Path) -> Result<usize, String> {
    let mut html = std::fs::read_to_string(page)
        .map_err(|error| format!("cannot read {}: {error}", page.display()))?;
    let mut moved = 0;
    while let Some(script) = find_inline_script(&html) {
        let body = &html[script.body.clone()];
        let name = format!("start-{}.js", short_hash(body.as_bytes()));
        let path = dist.join(crate::dist::ASSETS).join(&name);
        std::fs::write(&path, body)
            .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
        let tag = format!(
            "<script{} src=/{}/{name} integrity={}></script>",
            script.attributes,
            crate::dist::ASSETS,
            crate::dist::integrity(body.as_bytes())
        );
        html.replace_range(script.whole, &tag);
        moved += 1;
    }
    std::fs::write(page, html)
        .map_err(|error| format!("cannot write {}: {error}", page.display()))?;
    Ok(moved)
}

struct InlineScript {
    whole: std::ops::Range<usize>,
    body: std::ops::Range<usize>,
    /// The opening tag's attributes (` type=module`), kept as they were.
    attributes: String,
}

/// The first `<script …>…</script>` without a `src` attribute.
fn find_inline_script(html: &str) -> Option<InlineScript> {
    let mut from = 0;
    while let Some(offset) = html[from..].find("<script") {
        let start = from + offset;
        let open_end = start + html[start..].find('>')?;
        let attributes = &html[start + "<script".len()..open_end];
        let close = open_end + html[open_end..].find("</script>")?;
        let end = close + "</script>".len();
        if !attributes.contains("src=") {
            return Some(InlineScript {
                whole: start..end,
                body: open_end + 1..close,
                attributes: attributes.to_owned(),
            });
        }
        from = end;
    }
    None
}

/// 16 hex digits of the content's SHA-256, like Trunk's own asset names.
fn short_hash(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .take(8)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_only_scripts_without_a_source() {
        let html = "<script defer src=/assets/boot.js></script><p>x</p>\
                    <script type=module>import init from '/a.js';\nawait init();</script><b>";
        let script = find_inline_script(html).expect("the loader");
        assert_eq!(
            &html[script.body.clone()],
            "import init from '/a.js';\nawait init();"
        );
        assert_eq!(script.attributes, " type=module");
        assert_eq!(&html[script.whole.end..], "<b>");
        assert!(find_inline_script("<script src=/x.js></script>").is_none());
    }
}
