//! The converter list from `/convert/formats`, read tolerantly (every shape of API.md), and the
//! questions the UI asks of it: which targets for this source, which files are accepted, how big.

use serde_json::{Map, Value};

use crate::api::error::ApiError;
use crate::i18n::Catalogue;
use crate::small_sort;

/// The upload limit when the server names none (the API's default, 100 MiB).
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 100 * 1024 * 1024;

/// How the format picker groups targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FormatGroup {
    Image,
    Document,
    Data,
    Other,
}

impl FormatGroup {
    pub fn label(self, t: &Catalogue) -> &'static str {
        match self {
            FormatGroup::Image => t.formats.image,
            FormatGroup::Document => t.formats.document,
            FormatGroup::Data => t.formats.data,
            FormatGroup::Other => t.formats.other,
        }
    }
}

/// Known formats, most common first within each group (the order the picker shows them in).
/// Names that are words are empty here: the language's catalogue names them.
const KNOWN: &[(&str, &str, FormatGroup)] = &[
    ("png", "PNG", FormatGroup::Image),
    ("jpg", "JPEG", FormatGroup::Image),
    ("webp", "WebP", FormatGroup::Image),
    ("gif", "GIF", FormatGroup::Image),
    ("bmp", "BMP", FormatGroup::Image),
    ("tiff", "TIFF", FormatGroup::Image),
    ("ico", "ICO", FormatGroup::Image),
    ("svg", "SVG", FormatGroup::Image),
    ("avif", "AVIF", FormatGroup::Image),
    ("heic", "HEIC", FormatGroup::Image),
    ("pdf", "PDF", FormatGroup::Document),
    ("html", "HTML", FormatGroup::Document),
    ("md", "Markdown", FormatGroup::Document),
    ("txt", "", FormatGroup::Document),
    ("docx", "Word (DOCX)", FormatGroup::Document),
    ("doc", "Word (DOC)", FormatGroup::Document),
    ("odt", "", FormatGroup::Document),
    ("rtf", "RTF", FormatGroup::Document),
    ("epub", "EPUB", FormatGroup::Document),
    ("csv", "CSV", FormatGroup::Data),
    ("json", "JSON", FormatGroup::Data),
    ("xlsx", "Excel (XLSX)", FormatGroup::Data),
    ("xls", "Excel (XLS)", FormatGroup::Data),
    ("ods", "", FormatGroup::Data),
    ("tsv", "TSV", FormatGroup::Data),
    ("xml", "XML", FormatGroup::Data),
    ("yaml", "YAML", FormatGroup::Data),
];

/// Spellings of one format: the first is canonical, the rest are aliases.
const ALIASES: &[(&str, &str)] = &[
    ("jpeg", "jpg"),
    ("jpe", "jpg"),
    ("jfif", "jpg"),
    ("tif", "tiff"),
    ("htm", "html"),
    ("markdown", "md"),
    ("yml", "yaml"),
    ("text", "txt"),
];

/// The most sensible target for a source, in order of preference.
fn preferred_targets(source: &str) -> &'static [&'static str] {
    match source {
        "png" => &["jpg", "webp", "pdf"],
        "jpg" => &["png", "webp", "pdf"],
        "gif" | "webp" | "bmp" | "tiff" | "ico" | "svg" => &["png", "jpg"],
        "heic" | "avif" => &["jpg", "png"],
        "md" => &["html", "pdf"],
        "html" => &["pdf", "md"],
        "txt" => &["pdf", "html"],
        "docx" | "doc" | "odt" | "rtf" | "epub" => &["pdf"],
        "csv" | "tsv" => &["json", "xlsx"],
        "json" => &["csv", "xlsx"],
        "xlsx" | "xls" | "ods" => &["csv", "json"],
        "xml" | "yaml" => &["json"],
        _ => &[],
    }
}

/// Lower-case, no leading dots, aliases merged (`.JPEG` → `jpg`); `None` for what is not a
/// plausible extension (empty, too long, anything but ASCII letters and digits).
pub fn canonical_format(raw: &str) -> Option<String> {
    let lower = raw.trim().trim_start_matches('.').to_ascii_lowercase();
    if lower.is_empty() || lower.len() > 16 || !lower.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let canonical = ALIASES
        .iter()
        .find(|(alias, _)| *alias == lower)
        .map_or(lower.as_str(), |(_, canonical)| canonical);
    Some(canonical.to_owned())
}

/// The label a person sees for a canonical format ("JPEG", "Markdown", "Texte brut"; else
/// upper-case).
pub fn format_label(format: &str, t: &Catalogue) -> String {
    let words = match format {
        "txt" => Some(t.formats.plain_text),
        "odt" => Some(t.formats.opendocument_text),
        "ods" => Some(t.formats.opendocument_spreadsheet),
        _ => None,
    };
    if let Some(words) = words {
        return words.to_owned();
    }
    KNOWN.iter().find(|(f, _, _)| *f == format).map_or_else(
        || format.to_ascii_uppercase(),
        |(_, label, _)| (*label).to_owned(),
    )
}

/// Each format's label.
pub fn labels(formats: &[String], t: &Catalogue) -> Vec<String> {
    formats.iter().map(|f| format_label(f, t)).collect()
}

pub fn format_group(format: &str) -> FormatGroup {
    KNOWN
        .iter()
        .find(|(f, _, _)| *f == format)
        .map_or(FormatGroup::Other, |(_, _, group)| *group)
}

fn rank(format: &str) -> usize {
    KNOWN
        .iter()
        .position(|(f, _, _)| *f == format)
        .unwrap_or(KNOWN.len())
}

/// One converter: canonical inputs, outputs as (canonical, spelling the server used).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converter {
    pub id: String,
    pub name: String,
    /// Sorted, without repeats.
    pub inputs: Vec<String>,
    pub outputs: Vec<(String, String)>,
    pub max_size: Option<u64>,
}

/// A target the picker offers for a given source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetOption {
    /// Canonical name (`jpg`, `tiff`).
    pub format: String,
    /// What to send as `target_format`: the spelling the server listed (`jpeg` if it said so).
    pub send_as: String,
    pub group: FormatGroup,
    pub is_default: bool,
}

/// Every converter the server offers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormatCatalog {
    converters: Vec<Converter>,
}

impl FormatCatalog {
    /// Reads the `data` of `/convert/formats`: an array of converters, or `{data: [...]}`,
    /// `{formats: [...]}`, `{converters: [...]}`, or one converter object; camelCase or
    /// snake_case fields. Converters without inputs or outputs are skipped. `Decode` when no
    /// converter list can be found at all.
    pub fn from_data(data: &Value) -> Result<Self, ApiError> {
        let list = find_converter_list(data, 0).ok_or_else(ApiError::decode)?;
        let converters = list
            .iter()
            .enumerate()
            .filter_map(|(i, item)| item.as_object().and_then(|o| parse_converter(i, o)))
            .collect();
        Ok(Self { converters })
    }

    pub fn from_converters(converters: Vec<Converter>) -> Self {
        Self { converters }
    }

    pub fn converters(&self) -> &[Converter] {
        &self.converters
    }

    pub fn is_empty(&self) -> bool {
        self.converters.is_empty()
    }

    /// Whether some converter turns `source` into a different `target` (aliases merged).
    pub fn is_allowed(&self, source: &str, target: &str) -> bool {
        let (Some(source), Some(target)) = (canonical_format(source), canonical_format(target))
        else {
            return false;
        };
        source != target
            && self.converters.iter().any(|c| {
                c.inputs.contains(&source) && c.outputs.iter().any(|(out, _)| *out == target)
            })
    }

    /// The targets for a source, each once, the source's own group first, with one default.
    pub fn targets_for(&self, source_ext: &str) -> Vec<TargetOption> {
        let Some(source) = canonical_format(source_ext) else {
            return Vec::new();
        };
        let mut targets: Vec<TargetOption> = Vec::new();
        for converter in self
            .converters
            .iter()
            .filter(|c| c.inputs.contains(&source))
        {
            for (format, spelled) in &converter.outputs {
                if *format != source && !targets.iter().any(|t| t.format == *format) {
                    targets.push(TargetOption {
                        format: format.clone(),
                        send_as: spelled.clone(),
                        group: format_group(format),
                        is_default: false,
                    });
                }
            }
        }
        let source_group = format_group(&source);
        small_sort::sort_by(&mut targets, |a, b| {
            let key = |t: &TargetOption| (t.group != source_group, t.group, rank(&t.format));
            key(a).cmp(&key(b)).then_with(|| a.format.cmp(&b.format))
        });
        let default = preferred_targets(&source)
            .iter()
            .find_map(|p| targets.iter().position(|t| t.format == *p))
            .or(if targets.is_empty() { None } else { Some(0) });
        if let Some(index) = default {
            targets[index].is_default = true;
        }
        targets
    }

    /// The default target for a source, if it has any.
    pub fn default_target(&self, source_ext: &str) -> Option<TargetOption> {
        self.targets_for(source_ext)
            .into_iter()
            .find(|t| t.is_default)
    }

    /// Canonical extensions some converter accepts as input, sorted.
    pub fn accepted_extensions(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .converters
            .iter()
            .flat_map(|c| c.inputs.iter().cloned())
            .collect();
        small_sort::sort_dedup(&mut all);
        all
    }

    /// For `<input accept>`: `.png,.jpg,.jpeg,…` (every alias of an accepted format included).
    pub fn accept_attribute(&self) -> String {
        let mut out: Vec<String> = Vec::new();
        for ext in self.accepted_extensions() {
            out.push(format!(".{ext}"));
            for (alias, canonical) in ALIASES {
                if *canonical == ext {
                    out.push(format!(".{alias}"));
                }
            }
        }
        out.join(",")
    }

    /// The labels of accepted formats, for messages ("PNG, JPEG, PDF").
    pub fn accepted_labels(&self, t: &Catalogue) -> Vec<String> {
        labels(&self.accepted_formats(), t)
    }

    /// The accepted formats in the order people read them: by group, most common first.
    pub fn accepted_formats(&self) -> Vec<String> {
        let mut formats = self.accepted_extensions();
        small_sort::sort_by_key(&mut formats, |f| (format_group(f), rank(f)));
        formats
    }

    /// The largest file any converter takes, for the drop zone's "up to 100 MB": a converter
    /// that names no `maxSize` takes up to `DEFAULT_MAX_UPLOAD_BYTES` (the server's limit), so it
    /// counts as that rather than being left out. `DEFAULT_MAX_UPLOAD_BYTES` for an empty catalog.
    pub fn largest_upload(&self) -> u64 {
        self.converters
            .iter()
            .map(|c| c.max_size.unwrap_or(DEFAULT_MAX_UPLOAD_BYTES))
            .max()
            .unwrap_or(DEFAULT_MAX_UPLOAD_BYTES)
    }

    /// The largest `maxSize` among converters accepting `ext`; `None` when none names one.
    pub fn max_size_for(&self, ext: &str) -> Option<u64> {
        let ext = canonical_format(ext)?;
        self.converters
            .iter()
            .filter(|c| c.inputs.contains(&ext))
            .filter_map(|c| c.max_size)
            .max()
    }
}

fn find_converter_list(data: &Value, depth: u8) -> Option<&Vec<Value>> {
    match data {
        Value::Array(list) => Some(list),
        Value::Object(object) if depth < 3 => {
            for key in ["data", "formats", "converters"] {
                if let Some(found) = object
                    .get(key)
                    .and_then(|v| find_converter_list(v, depth + 1))
                {
                    return Some(found);
                }
            }
            None
        }
        _ => None,
    }
}

fn field<'a>(object: &'a Map<String, Value>, names: &[&str]) -> Option<&'a Value> {
    names.iter().find_map(|name| object.get(*name))
}

fn format_list(value: Option<&Value>) -> Vec<(String, String)> {
    let mut raw: Vec<String> = Vec::new();
    match value {
        Some(Value::Array(items)) => {
            for item in items {
                match item {
                    Value::String(s) => raw.push(s.clone()),
                    Value::Object(o) => {
                        if let Some(s) =
                            field(o, &["extension", "ext", "format", "id"]).and_then(Value::as_str)
                        {
                            raw.push(s.to_owned());
                        }
                    }
                    _ => {}
                }
            }
        }
        Some(Value::String(s)) => raw.extend(s.split([',', ' ']).map(str::to_owned)),
        _ => {}
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for spelled in raw {
        if let Some(canonical) = canonical_format(&spelled) {
            if !out.iter().any(|(c, _)| *c == canonical) {
                let spelled = spelled.trim().trim_start_matches('.').to_ascii_lowercase();
                out.push((canonical, spelled));
            }
        }
    }
    out
}

fn size_value(value: Option<&Value>) -> Option<u64> {
    match value? {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0)
                .map(|f| f.min(u64::MAX as f64) as u64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|size| *size > 0)
}

fn parse_converter(index: usize, object: &Map<String, Value>) -> Option<Converter> {
    let mut inputs: Vec<String> = format_list(field(
        object,
        &["inputFormats", "input_formats", "inputs", "input"],
    ))
    .into_iter()
    .map(|(canonical, _)| canonical)
    .collect();
    small_sort::sort_dedup(&mut inputs);
    let outputs = format_list(field(
        object,
        &["outputFormats", "output_formats", "outputs", "output"],
    ));
    if inputs.is_empty() || outputs.is_empty() {
        return None;
    }
    let text = |names: &[&str]| {
        field(object, names)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    Some(Converter {
        id: text(&["id"]).unwrap_or_else(|| format!("converter-{index}")),
        name: text(&["name"]).unwrap_or_default(),
        inputs,
        outputs,
        max_size: size_value(field(
            object,
            &["maxSize", "max_size", "maxFileSize", "max_file_size"],
        )),
    })
}

#[cfg(test)]
#[path = "formats_tests.rs"]
mod tests;
