//! The languages the app speaks: one typed catalogue per language, every text a person can see
//! or hear. A struct, not a map: a language that misses a key, or has one too many, does not
//! compile. Placeholders (`{name}`) are filled by [`fill`]; the native tests check every
//! translation uses the same ones as English.
//!
//! The catalogues are compiled into the build's tools (the prerender, the tests), not into the
//! app: each page carries its own language's texts ([`Catalogue::to_page_json`]) and the app
//! reads them from there, or from another language's page when the person switches; only the
//! small [`LanguageInfo`] of every language (for the menu) is compiled in.
//!
//! Adding a language: one file beside `en.rs` (its `INFO` and `CATALOGUE`), and its name in the
//! `languages!` line below.

mod catalogue_texts;
mod numbers;
mod start;
mod text;

#[cfg(test)]
mod tests;

pub use catalogue_texts::{page_texts_element, texts_in_page, PAGE_TEXTS_ID};
pub use start::{on_start, AddressChange, OnStart};
pub use text::{fill, placeholders};

/// Declares each language's module and lists them, the default (served at `/`) first; the menu
/// shows them in this order.
macro_rules! languages {
    ($($code:ident),+) => {
        $(mod $code;)+

        /// Every language's catalogue. For the build's tools and tests: the app must not name
        /// this (it would compile every language into the wasm), it reads its page's texts.
        pub static LANGUAGES: &[&Catalogue] = &[$(&$code::CATALOGUE),+];

        /// Every language's name and page, compiled into the app for the menu.
        pub static INFOS: &[&LanguageInfo] = &[$(&$code::INFO),+];
    };
}

languages!(en, es, fr, de, zh);

/// The default language: the one at `/`, and the fallback for an unknown code.
pub fn default_info() -> &'static LanguageInfo {
    INFOS[0]
}

/// The default language's catalogue (build tools and tests).
pub fn default_language() -> &'static Catalogue {
    LANGUAGES[0]
}

/// The language whose code is `code` (`"fr"`, or a `lang` attribute such as `"fr-CA"` or
/// `"zh-Hans"`: the primary subtag decides).
pub fn by_code(code: &str) -> Option<&'static LanguageInfo> {
    let primary = code.split(['-', '_']).next().unwrap_or_default();
    INFOS
        .iter()
        .copied()
        .find(|language| language.code.eq_ignore_ascii_case(primary))
}

/// The catalogue of the language `code` names (build tools and tests).
pub fn catalogue(code: &str) -> Option<&'static Catalogue> {
    let info = by_code(code)?;
    LANGUAGES
        .iter()
        .copied()
        .find(|catalogue| catalogue.info.code == info.code)
}

/// The language of a page path: `/fr/…` is French, anything else the default.
pub fn for_path(path: &str) -> &'static LanguageInfo {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    INFOS
        .iter()
        .copied()
        .skip(1)
        .find(|language| language.code == first)
        .unwrap_or_else(default_info)
}

/// Whether `path` is the default language's page (`/`, `/index.html`): the page where a
/// remembered choice or a suggestion may lead elsewhere.
pub fn is_default_page(path: &str) -> bool {
    matches!(path.trim_matches('/'), "" | "index.html")
}

/// The first of the browser's preferred languages (`navigator.languages`, best first) that
/// the app speaks; `None` when none is spoken.
pub fn preferred<'a>(wanted: impl IntoIterator<Item = &'a str>) -> Option<&'static LanguageInfo> {
    wanted.into_iter().find_map(by_code)
}

/// A language as the menu and the page need it, whatever language the page speaks. Each is a
/// static, so one language is one address (`==` compares those).
#[derive(Debug)]
pub struct LanguageInfo {
    /// The primary language subtag, also the page's folder (`/fr/`).
    pub code: &'static str,
    /// The `lang` attribute of the page (`zh-Hans` for Simplified Chinese).
    pub html_lang: &'static str,
    /// The page's path: `/` for the default language, `/fr/` for the others.
    pub home: &'static str,
    /// The language's own name, as the menu shows it ("Français").
    pub name: &'static str,
    /// The one-line suggestion shown, in this language, to a browser that prefers it.
    pub suggestion: &'static str,
    /// Dismisses that suggestion, in this language.
    pub dismiss_suggestion: &'static str,
    pub plural: PluralRule,
}

impl PartialEq for LanguageInfo {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for LanguageInfo {}

impl LanguageInfo {
    pub fn is_default(&self) -> bool {
        self == default_info()
    }
}

/// Which counts take the singular form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluralRule {
    /// 1 (English, Spanish, German).
    OneIsSingular,
    /// 0 and 1 (French).
    ZeroAndOneAreSingular,
    /// One form for every count (Chinese).
    NoPlural,
}

impl PluralRule {
    pub fn is_singular(self, count: u64) -> bool {
        match self {
            PluralRule::OneIsSingular => count == 1,
            PluralRule::ZeroAndOneAreSingular => count <= 1,
            PluralRule::NoPlural => false,
        }
    }
}

/// One language's texts. Fields are grouped by where they appear.
#[derive(Debug)]
pub struct Catalogue {
    pub info: &'static LanguageInfo,
    pub numbers: Numbers,
    pub page: Page,
    pub header: Header,
    pub session: SessionTexts,
    pub convert: ConvertTexts,
    pub drop: DropTexts,
    pub file: FileTexts,
    pub progress: ProgressTexts,
    pub done: DoneTexts,
    pub failure: FailureTexts,
    pub toasts: ToastTexts,
    pub errors: ErrorTexts,
    pub rejections: RejectionTexts,
    pub formats: FormatTexts,
    pub diagnostics: DiagnosticsTexts,
    pub queue: QueueTexts,
}

impl Catalogue {
    /// Picks a plural form for `count`.
    pub fn plural(&self, forms: &Plural, count: u64) -> &'static str {
        if self.info.plural.is_singular(count) {
            forms.one
        } else {
            forms.other
        }
    }

    /// `forms` for `count`, its `{count}` filled in.
    pub fn count(&self, forms: &Plural, count: u64) -> String {
        fill(self.plural(forms, count), &[("count", &count.to_string())])
    }

    /// A list as the language writes it ("PNG, JPEG" / "PNG、JPEG").
    pub fn list(&self, items: &[String]) -> String {
        items.join(self.numbers.list_separator)
    }
}

/// A text with a singular and a plural form. English, Spanish, German and French need these
/// two (French counts 0 and 1 as singular, [`PluralRule`]); Chinese uses one form for both.
#[derive(Debug)]
pub struct Plural {
    pub one: &'static str,
    pub other: &'static str,
}

/// How the language writes numbers.
#[derive(Debug)]
pub struct Numbers {
    /// "70.8 KB" / "70,8 KB".
    pub decimal_separator: &'static str,
    /// Byte units from bytes to petabytes: "bytes", "KB", … / "octets", "Ko", …
    pub bytes: Plural,
    pub kilobytes: &'static str,
    pub megabytes: &'static str,
    pub gigabytes: &'static str,
    pub terabytes: &'static str,
    pub petabytes: &'static str,
    /// "{percent}%" / "{percent} %" (with a no-break space).
    pub percent: &'static str,
    pub list_separator: &'static str,
}

/// The page around the app: what the build writes into each language's `index.html`.
#[derive(Debug)]
pub struct Page {
    pub title: &'static str,
    pub description: &'static str,
    /// Shown when the app cannot start (the page's own text, not the external script's).
    pub could_not_start: &'static str,
    pub reload: &'static str,
    pub needs_javascript: &'static str,
    pub footer: &'static str,
    pub offline: &'static str,
}

#[derive(Debug)]
pub struct Header {
    /// The brand link's accessible name ("TrustyConvert, home").
    pub home: &'static str,
    /// The language menu's accessible name.
    pub languages: &'static str,
}

#[derive(Debug)]
pub struct SessionTexts {
    pub connecting: &'static str,
    pub found: &'static str,
    pub active: &'static str,
    pub starting: &'static str,
    pub closed: &'static str,
    pub none: &'static str,
    pub closed_detail: &'static str,
    pub try_again: &'static str,
    pub trying_again: &'static str,
    pub close: &'static str,
    pub confirm_title: &'static str,
    pub confirm_detail: &'static str,
    pub confirm_close: &'static str,
    pub closing: &'static str,
    pub keep: &'static str,
}

#[derive(Debug)]
pub struct ConvertTexts {
    pub heading: &'static str,
    /// "{formats}. Up to {size}."
    pub accepted_hint: &'static str,
    pub formats_loading: &'static str,
    pub formats_failed: &'static str,
    /// Before the error's own message: "The list of supported formats could not be loaded."
    pub formats_failed_lead: &'static str,
    pub retry: &'static str,
    pub ready_heading: &'static str,
    pub convert: &'static str,
    /// "Convert to {target}"
    pub convert_to: &'static str,
    pub offline_convert: &'static str,
    pub target_label: &'static str,
    pub recommended: &'static str,
    pub no_target: &'static str,
}

#[derive(Debug)]
pub struct DropTexts {
    pub lead: &'static str,
    pub lead_another: &'static str,
    pub choose: &'static str,
}

#[derive(Debug)]
pub struct FileTexts {
    pub name: &'static str,
    pub kind: &'static str,
    pub size: &'static str,
}

#[derive(Debug)]
pub struct ProgressTexts {
    pub uploading: &'static str,
    /// "Starting the conversion to {target}…"
    pub starting: &'static str,
    /// "Converting to {target}…"
    pub converting: &'static str,
    pub upload_label: &'static str,
    pub conversion_label: &'static str,
    pub waiting_for_converter: &'static str,
    pub working: &'static str,
    /// "{sent} of {total} ({percent})"
    pub sent_of_total: &'static str,
    /// "{sent} sent"
    pub sent: &'static str,
    pub cancel: &'static str,
}

#[derive(Debug)]
pub struct DoneTexts {
    pub heading: &'static str,
    /// "Download {target}"
    pub download: &'static str,
    pub download_again: &'static str,
    pub preparing: &'static str,
    pub offline: &'static str,
    pub another: &'static str,
}

#[derive(Debug)]
pub struct FailureTexts {
    pub wait_title: &'static str,
    pub unsupported_title: &'static str,
    pub retry_title: &'static str,
    pub final_title: &'static str,
    /// "The conversion failed: {reason}" (the server's reason, as it sent it).
    pub conversion_with_reason: &'static str,
    pub conversion: &'static str,
    pub timed_out: &'static str,
    /// The browser lacks what an upload needs.
    pub no_crypto: &'static str,
    pub no_abort: &'static str,
    pub no_blob: &'static str,
    pub try_again: &'static str,
    /// "Try again in {seconds} s"
    pub try_again_in: &'static str,
}

#[derive(Debug)]
pub struct ToastTexts {
    pub region: &'static str,
    pub dismiss: &'static str,
    /// "Reference: {id}"
    pub reference: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    pub copy_failed: &'static str,
    pub copy_label: &'static str,
    /// "Done: {name} is ready to download."
    pub done: &'static str,
    /// "Downloading {name}."
    pub downloading: &'static str,
    pub download_not_started: &'static str,
    pub renewed_before_download: &'static str,
    pub renewed: &'static str,
    pub cancelled: &'static str,
    pub stopped_waiting: &'static str,
}

/// What a failed request means to a person: one per `ApiErrorKind`, plus the wait advice.
#[derive(Debug)]
pub struct ErrorTexts {
    pub csrf: &'static str,
    pub session: &'static str,
    pub token: &'static str,
    pub forbidden: &'static str,
    pub not_found: &'static str,
    pub too_large: &'static str,
    /// "Too many requests. {advice}"
    pub rate_limited: &'static str,
    /// "Another conversion is still running in this session. {advice}"
    pub task_limit: &'static str,
    /// "… (error {status}) …"
    pub server: &'static str,
    /// "… (HTTP {status}) …"
    pub unexpected: &'static str,
    pub network: &'static str,
    pub redirected: &'static str,
    pub timeout: &'static str,
    pub offline: &'static str,
    pub cancelled: &'static str,
    pub session_closed: &'static str,
    pub cookies_refused: &'static str,
    /// "… (HTTP {status}) …"
    pub unreadable_with_status: &'static str,
    pub unreadable: &'static str,
    pub wait_a_moment: &'static str,
    /// "Please wait {count} second(s) and try again."
    pub wait_seconds: Plural,
    pub wait_minutes: Plural,
    pub invalid_file: &'static str,
    pub unsupported_conversion: &'static str,
    pub unsafe_file: &'static str,
    pub invalid_request: &'static str,
}

/// Why a chosen file is refused before any upload.
#[derive(Debug)]
pub struct RejectionTexts {
    /// "“{name}” is empty. …"
    pub empty: &'static str,
    /// "… {types} …"
    pub no_extension: &'static str,
    /// "{kind} files (“{name}”) cannot be converted. Accepted types: {types}."
    pub unsupported: &'static str,
    /// "“{name}” is {size} and the limit for {kind} files is {limit}. …"
    pub too_large: &'static str,
    pub formats_unavailable: &'static str,
}

/// Format names that are words, and the picker's groups.
#[derive(Debug)]
pub struct FormatTexts {
    pub plain_text: &'static str,
    pub opendocument_text: &'static str,
    pub opendocument_spreadsheet: &'static str,
    pub image: &'static str,
    pub document: &'static str,
    pub data: &'static str,
    pub other: &'static str,
}

/// The support panel (`?diagnostics`).
#[derive(Debug)]
pub struct DiagnosticsTexts {
    pub heading: &'static str,
    pub phase: &'static str,
    pub epoch: &'static str,
    pub token_known: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub inits: &'static str,
    pub recoveries: &'static str,
    pub syncs: &'static str,
    pub probe_one: &'static str,
    pub probe_five: &'static str,
    /// "Sending {count} probe upload(s)…"
    pub sending: Plural,
    /// "{succeeded} of {count} probe upload(s) succeeded."
    pub succeeded: Plural,
    /// " First error: {error}"
    pub first_error: &'static str,
}

/// Many files at once: the list, its states, its pacing and "Download all".
#[derive(Debug)]
pub struct QueueTexts {
    pub heading: &'static str,
    /// "{done} of {total} converted"
    pub summary: &'static str,
    pub drop_more: &'static str,
    /// "{count} file(s) not added: the list holds at most {max} files."
    pub over_limit: Plural,
    /// "Convert all {type} to": the target shared by every file of a type.
    pub convert_all_of_type: &'static str,
    /// "Convert {name} to": one file's own target.
    pub target_for: &'static str,
    /// "Convert {count} file(s)"
    pub start: Plural,
    pub waiting: &'static str,
    /// "Uploading {percent}"
    pub uploading: &'static str,
    pub queued: &'static str,
    pub converting: &'static str,
    pub done: &'static str,
    pub cancelled: &'static str,
    /// "Waiting {seconds} s (server limit)"
    pub paused: &'static str,
    pub remove: &'static str,
    pub download_all: &'static str,
    pub downloading_all: &'static str,
    pub allow_downloads: &'static str,
    pub quota_full: &'static str,
    /// "{name}: converted."
    pub announce_done: &'static str,
    /// "{name}: failed. {reason}"
    pub announce_failed: &'static str,
}
