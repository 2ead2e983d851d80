//! A catalogue as a list of texts in a fixed order: what the build writes into each page (JSON)
//! and what the app reads back. [`Catalogue::texts`] and [`Catalogue::from_texts`] name every
//! field in the same order (the first by an exhaustive pattern, the second by a struct literal:
//! a field added to `Catalogue` fails to compile in both until it is listed); the round-trip
//! test checks the orders agree.

use super::*;

impl Catalogue {
    /// Every text with its key (`"session.active"`), in the fixed order.
    #[rustfmt::skip]
    pub fn texts(&self) -> Vec<(&'static str, &'static str)> {
        let Catalogue { info: _, numbers: Numbers { decimal_separator: numbers_decimal_separator, bytes: Plural { one: numbers_bytes_one, other: numbers_bytes_other }, kilobytes: numbers_kilobytes, megabytes: numbers_megabytes, gigabytes: numbers_gigabytes, terabytes: numbers_terabytes, petabytes: numbers_petabytes, percent: numbers_percent, list_separator: numbers_list_separator }, page: Page { title: page_title, description: page_description, could_not_start: page_could_not_start, reload: page_reload, needs_javascript: page_needs_javascript, footer: page_footer, offline: page_offline }, header: Header { home: header_home, languages: header_languages }, session: SessionTexts { connecting: session_connecting, found: session_found, active: session_active, starting: session_starting, closed: session_closed, none: session_none, closed_detail: session_closed_detail, try_again: session_try_again, trying_again: session_trying_again, close: session_close, confirm_title: session_confirm_title, confirm_detail: session_confirm_detail, confirm_close: session_confirm_close, closing: session_closing, keep: session_keep }, convert: ConvertTexts { heading: convert_heading, accepted_hint: convert_accepted_hint, formats_loading: convert_formats_loading, formats_failed: convert_formats_failed, formats_failed_lead: convert_formats_failed_lead, retry: convert_retry, ready_heading: convert_ready_heading, convert: convert_convert, convert_to: convert_convert_to, offline_convert: convert_offline_convert, target_label: convert_target_label, recommended: convert_recommended, no_target: convert_no_target }, drop: DropTexts { lead: drop_lead, lead_another: drop_lead_another, choose: drop_choose }, file: FileTexts { name: file_name, kind: file_kind, size: file_size }, progress: ProgressTexts { uploading: progress_uploading, starting: progress_starting, converting: progress_converting, upload_label: progress_upload_label, conversion_label: progress_conversion_label, waiting_for_converter: progress_waiting_for_converter, working: progress_working, sent_of_total: progress_sent_of_total, sent: progress_sent, cancel: progress_cancel }, done: DoneTexts { heading: done_heading, download: done_download, download_again: done_download_again, preparing: done_preparing, offline: done_offline, another: done_another }, failure: FailureTexts { wait_title: failure_wait_title, unsupported_title: failure_unsupported_title, retry_title: failure_retry_title, final_title: failure_final_title, conversion_with_reason: failure_conversion_with_reason, conversion: failure_conversion, timed_out: failure_timed_out, no_crypto: failure_no_crypto, no_abort: failure_no_abort, no_blob: failure_no_blob, try_again: failure_try_again, try_again_in: failure_try_again_in }, toasts: ToastTexts { region: toasts_region, dismiss: toasts_dismiss, reference: toasts_reference, copy: toasts_copy, copied: toasts_copied, copy_failed: toasts_copy_failed, copy_label: toasts_copy_label, done: toasts_done, downloading: toasts_downloading, download_not_started: toasts_download_not_started, renewed_before_download: toasts_renewed_before_download, renewed: toasts_renewed, cancelled: toasts_cancelled, stopped_waiting: toasts_stopped_waiting }, errors: ErrorTexts { csrf: errors_csrf, session: errors_session, token: errors_token, forbidden: errors_forbidden, not_found: errors_not_found, too_large: errors_too_large, rate_limited: errors_rate_limited, task_limit: errors_task_limit, server: errors_server, unexpected: errors_unexpected, network: errors_network, redirected: errors_redirected, timeout: errors_timeout, offline: errors_offline, cancelled: errors_cancelled, session_closed: errors_session_closed, cookies_refused: errors_cookies_refused, unreadable_with_status: errors_unreadable_with_status, unreadable: errors_unreadable, wait_a_moment: errors_wait_a_moment, wait_seconds: Plural { one: errors_wait_seconds_one, other: errors_wait_seconds_other }, wait_minutes: Plural { one: errors_wait_minutes_one, other: errors_wait_minutes_other }, invalid_file: errors_invalid_file, unsupported_conversion: errors_unsupported_conversion, unsafe_file: errors_unsafe_file, invalid_request: errors_invalid_request }, rejections: RejectionTexts { empty: rejections_empty, no_extension: rejections_no_extension, unsupported: rejections_unsupported, too_large: rejections_too_large, formats_unavailable: rejections_formats_unavailable }, formats: FormatTexts { plain_text: formats_plain_text, opendocument_text: formats_opendocument_text, opendocument_spreadsheet: formats_opendocument_spreadsheet, image: formats_image, document: formats_document, data: formats_data, other: formats_other }, diagnostics: DiagnosticsTexts { heading: diagnostics_heading, phase: diagnostics_phase, epoch: diagnostics_epoch, token_known: diagnostics_token_known, yes: diagnostics_yes, no: diagnostics_no, inits: diagnostics_inits, recoveries: diagnostics_recoveries, syncs: diagnostics_syncs, probe_one: diagnostics_probe_one, probe_five: diagnostics_probe_five, sending: Plural { one: diagnostics_sending_one, other: diagnostics_sending_other }, succeeded: Plural { one: diagnostics_succeeded_one, other: diagnostics_succeeded_other }, first_error: diagnostics_first_error }, queue: QueueTexts { heading: queue_heading, summary: queue_summary, drop_more: queue_drop_more, over_limit: Plural { one: queue_over_limit_one, other: queue_over_limit_other }, convert_all_of_type: queue_convert_all_of_type, target_for: queue_target_for, start: Plural { one: queue_start_one, other: queue_start_other }, waiting: queue_waiting, uploading: queue_uploading, queued: queue_queued, converting: queue_converting, done: queue_done, cancelled: queue_cancelled, paused: queue_paused, remove: queue_remove, download_all: queue_download_all, downloading_all: queue_downloading_all, allow_downloads: queue_allow_downloads, quota_full: queue_quota_full, announce_done: queue_announce_done, announce_failed: queue_announce_failed } } = self;
        vec![
            ("numbers.decimal_separator", *numbers_decimal_separator),
            ("numbers.bytes_one", *numbers_bytes_one),
            ("numbers.bytes_other", *numbers_bytes_other),
            ("numbers.kilobytes", *numbers_kilobytes),
            ("numbers.megabytes", *numbers_megabytes),
            ("numbers.gigabytes", *numbers_gigabytes),
            ("numbers.terabytes", *numbers_terabytes),
            ("numbers.petabytes", *numbers_petabytes),
            ("numbers.percent", *numbers_percent),
            ("numbers.list_separator", *numbers_list_separator),
            ("page.title", *page_title),
            ("page.description", *page_description),
            ("page.could_not_start", *page_could_not_start),
            ("page.reload", *page_reload),
            ("page.needs_javascript", *page_needs_javascript),
            ("page.footer", *page_footer),
            ("page.offline", *page_offline),
            ("header.home", *header_home),
            ("header.languages", *header_languages),
            ("session.connecting", *session_connecting),
            ("session.found", *session_found),
            ("session.active", *session_active),
            ("session.starting", *session_starting),
            ("session.closed", *session_closed),
            ("session.none", *session_none),
            ("session.closed_detail", *session_closed_detail),
            ("session.try_again", *session_try_again),
            ("session.trying_again", *session_trying_again),
            ("session.close", *session_close),
            ("session.confirm_title", *session_confirm_title),
            ("session.confirm_detail", *session_confirm_detail),
            ("session.confirm_close", *session_confirm_close),
            ("session.closing", *session_closing),
            ("session.keep", *session_keep),
            ("convert.heading", *convert_heading),
            ("convert.accepted_hint", *convert_accepted_hint),
            ("convert.formats_loading", *convert_formats_loading),
            ("convert.formats_failed", *convert_formats_failed),
            ("convert.formats_failed_lead", *convert_formats_failed_lead),
            ("convert.retry", *convert_retry),
            ("convert.ready_heading", *convert_ready_heading),
            ("convert.convert", *convert_convert),
            ("convert.convert_to", *convert_convert_to),
            ("convert.offline_convert", *convert_offline_convert),
            ("convert.target_label", *convert_target_label),
            ("convert.recommended", *convert_recommended),
            ("convert.no_target", *convert_no_target),
            ("drop.lead", *drop_lead),
            ("drop.lead_another", *drop_lead_another),
            ("drop.choose", *drop_choose),
            ("file.name", *file_name),
            ("file.kind", *file_kind),
            ("file.size", *file_size),
            ("progress.uploading", *progress_uploading),
            ("progress.starting", *progress_starting),
            ("progress.converting", *progress_converting),
            ("progress.upload_label", *progress_upload_label),
            ("progress.conversion_label", *progress_conversion_label),
            ("progress.waiting_for_converter", *progress_waiting_for_converter),
            ("progress.working", *progress_working),
            ("progress.sent_of_total", *progress_sent_of_total),
            ("progress.sent", *progress_sent),
            ("progress.cancel", *progress_cancel),
            ("done.heading", *done_heading),
            ("done.download", *done_download),
            ("done.download_again", *done_download_again),
            ("done.preparing", *done_preparing),
            ("done.offline", *done_offline),
            ("done.another", *done_another),
            ("failure.wait_title", *failure_wait_title),
            ("failure.unsupported_title", *failure_unsupported_title),
            ("failure.retry_title", *failure_retry_title),
            ("failure.final_title", *failure_final_title),
            ("failure.conversion_with_reason", *failure_conversion_with_reason),
            ("failure.conversion", *failure_conversion),
            ("failure.timed_out", *failure_timed_out),
            ("failure.no_crypto", *failure_no_crypto),
            ("failure.no_abort", *failure_no_abort),
            ("failure.no_blob", *failure_no_blob),
            ("failure.try_again", *failure_try_again),
            ("failure.try_again_in", *failure_try_again_in),
            ("toasts.region", *toasts_region),
            ("toasts.dismiss", *toasts_dismiss),
            ("toasts.reference", *toasts_reference),
            ("toasts.copy", *toasts_copy),
            ("toasts.copied", *toasts_copied),
            ("toasts.copy_failed", *toasts_copy_failed),
            ("toasts.copy_label", *toasts_copy_label),
            ("toasts.done", *toasts_done),
            ("toasts.downloading", *toasts_downloading),
            ("toasts.download_not_started", *toasts_download_not_started),
            ("toasts.renewed_before_download", *toasts_renewed_before_download),
            ("toasts.renewed", *toasts_renewed),
            ("toasts.cancelled", *toasts_cancelled),
            ("toasts.stopped_waiting", *toasts_stopped_waiting),
            ("errors.csrf", *errors_csrf),
            ("errors.session", *errors_session),
            ("errors.token", *errors_token),
            ("errors.forbidden", *errors_forbidden),
            ("errors.not_found", *errors_not_found),
            ("errors.too_large", *errors_too_large),
            ("errors.rate_limited", *errors_rate_limited),
            ("errors.task_limit", *errors_task_limit),
            ("errors.server", *errors_server),
            ("errors.unexpected", *errors_unexpected),
            ("errors.network", *errors_network),
            ("errors.redirected", *errors_redirected),
            ("errors.timeout", *errors_timeout),
            ("errors.offline", *errors_offline),
            ("errors.cancelled", *errors_cancelled),
            ("errors.session_closed", *errors_session_closed),
            ("errors.cookies_refused", *errors_cookies_refused),
            ("errors.unreadable_with_status", *errors_unreadable_with_status),
            ("errors.unreadable", *errors_unreadable),
            ("errors.wait_a_moment", *errors_wait_a_moment),
            ("errors.wait_seconds_one", *errors_wait_seconds_one),
            ("errors.wait_seconds_other", *errors_wait_seconds_other),
            ("errors.wait_minutes_one", *errors_wait_minutes_one),
            ("errors.wait_minutes_other", *errors_wait_minutes_other),
            ("errors.invalid_file", *errors_invalid_file),
            ("errors.unsupported_conversion", *errors_unsupported_conversion),
            ("errors.unsafe_file", *errors_unsafe_file),
            ("errors.invalid_request", *errors_invalid_request),
            ("rejections.empty", *rejections_empty),
            ("rejections.no_extension", *rejections_no_extension),
            ("rejections.unsupported", *rejections_unsupported),
            ("rejections.too_large", *rejections_too_large),
            ("rejections.formats_unavailable", *rejections_formats_unavailable),
            ("formats.plain_text", *formats_plain_text),
            ("formats.opendocument_text", *formats_opendocument_text),
            ("formats.opendocument_spreadsheet", *formats_opendocument_spreadsheet),
            ("formats.image", *formats_image),
            ("formats.document", *formats_document),
            ("formats.data", *formats_data),
            ("formats.other", *formats_other),
            ("diagnostics.heading", *diagnostics_heading),
            ("diagnostics.phase", *diagnostics_phase),
            ("diagnostics.epoch", *diagnostics_epoch),
            ("diagnostics.token_known", *diagnostics_token_known),
            ("diagnostics.yes", *diagnostics_yes),
            ("diagnostics.no", *diagnostics_no),
            ("diagnostics.inits", *diagnostics_inits),
            ("diagnostics.recoveries", *diagnostics_recoveries),
            ("diagnostics.syncs", *diagnostics_syncs),
            ("diagnostics.probe_one", *diagnostics_probe_one),
            ("diagnostics.probe_five", *diagnostics_probe_five),
            ("diagnostics.sending_one", *diagnostics_sending_one),
            ("diagnostics.sending_other", *diagnostics_sending_other),
            ("diagnostics.succeeded_one", *diagnostics_succeeded_one),
            ("diagnostics.succeeded_other", *diagnostics_succeeded_other),
            ("diagnostics.first_error", *diagnostics_first_error),
            ("queue.heading", *queue_heading),
            ("queue.summary", *queue_summary),
            ("queue.drop_more", *queue_drop_more),
            ("queue.over_limit_one", *queue_over_limit_one),
            ("queue.over_limit_other", *queue_over_limit_other),
            ("queue.convert_all_of_type", *queue_convert_all_of_type),
            ("queue.target_for", *queue_target_for),
            ("queue.start_one", *queue_start_one),
            ("queue.start_other", *queue_start_other),
            ("queue.waiting", *queue_waiting),
            ("queue.uploading", *queue_uploading),
            ("queue.queued", *queue_queued),
            ("queue.converting", *queue_converting),
            ("queue.done", *queue_done),
            ("queue.cancelled", *queue_cancelled),
            ("queue.paused", *queue_paused),
            ("queue.remove", *queue_remove),
            ("queue.download_all", *queue_download_all),
            ("queue.downloading_all", *queue_downloading_all),
            ("queue.allow_downloads", *queue_allow_downloads),
            ("queue.quota_full", *queue_quota_full),
            ("queue.announce_done", *queue_announce_done),
            ("queue.announce_failed", *queue_announce_failed),
        ]
    }

    /// The catalogue of `info` from its texts in the fixed order. The texts are kept for the
    /// page's life (a language is read once, and at most a few per visit).
    pub fn from_texts(info: &'static LanguageInfo, texts: Vec<String>) -> Result<Self, String> {
        let expected = TEXT_COUNT;
        if texts.len() != expected {
            return Err(format!(
                "{} texts for {}, expected {expected}",
                texts.len(),
                info.code
            ));
        }
        let mut reader = Reader::new(&texts);
        let mut next = || reader.next();
        Ok(Catalogue {
            info,
            numbers: Numbers {
                decimal_separator: next(),
                bytes: Plural {
                    one: next(),
                    other: next(),
                },
                kilobytes: next(),
                megabytes: next(),
                gigabytes: next(),
                terabytes: next(),
                petabytes: next(),
                percent: next(),
                list_separator: next(),
            },
            page: Page {
                title: next(),
                description: next(),
                could_not_start: next(),
                reload: next(),
                needs_javascript: next(),
                footer: next(),
                offline: next(),
            },
            header: Header {
                home: next(),
                languages: next(),
            },
            session: SessionTexts {
                connecting: next(),
                found: next(),
                active: next(),
                starting: next(),
                closed: next(),
                none: next(),
                closed_detail: next(),
                try_again: next(),
                trying_again: next(),
                close: next(),
                confirm_title: next(),
                confirm_detail: next(),
                confirm_close: next(),
                closing: next(),
                keep: next(),
            },
            convert: ConvertTexts {
                heading: next(),
                accepted_hint: next(),
                formats_loading: next(),
                formats_failed: next(),
                formats_failed_lead: next(),
                retry: next(),
                ready_heading: next(),
                convert: next(),
                convert_to: next(),
                offline_convert: next(),
                target_label: next(),
                recommended: next(),
                no_target: next(),
            },
            drop: DropTexts {
                lead: next(),
                lead_another: next(),
                choose: next(),
            },
            file: FileTexts {
                name: next(),
                kind: next(),
                size: next(),
            },
            progress: ProgressTexts {
                uploading: next(),
                starting: next(),
                converting: next(),
                upload_label: next(),
                conversion_label: next(),
                waiting_for_converter: next(),
                working: next(),
                sent_of_total: next(),
                sent: next(),
                cancel: next(),
            },
            done: DoneTexts {
                heading: next(),
                download: next(),
                download_again: next(),
                preparing: next(),
                offline: next(),
                another: next(),
            },
            failure: FailureTexts {
                wait_title: next(),
                unsupported_title: next(),
                retry_title: next(),
                final_title: next(),
                conversion_with_reason: next(),
                conversion: next(),
                timed_out: next(),
                no_crypto: next(),
                no_abort: next(),
                no_blob: next(),
                try_again: next(),
                try_again_in: next(),
            },
            toasts: ToastTexts {
                region: next(),
                dismiss: next(),
                reference: next(),
                copy: next(),
                copied: next(),
                copy_failed: next(),
                copy_label: next(),
                done: next(),
                downloading: next(),
                download_not_started: next(),
                renewed_before_download: next(),
                renewed: next(),
                cancelled: next(),
                stopped_waiting: next(),
            },
            errors: ErrorTexts {
                csrf: next(),
                session: next(),
                token: next(),
                forbidden: next(),
                not_found: next(),
                too_large: next(),
                rate_limited: next(),
                task_limit: next(),
                server: next(),
                unexpected: next(),
                network: next(),
                redirected: next(),
                timeout: next(),
                offline: next(),
                cancelled: next(),
                session_closed: next(),
                cookies_refused: next(),
                unreadable_with_status: next(),
                unreadable: next(),
                wait_a_moment: next(),
                wait_seconds: Plural {
                    one: next(),
                    other: next(),
                },
                wait_minutes: Plural {
                    one: next(),
                    other: next(),
                },
                invalid_file: next(),
                unsupported_conversion: next(),
                unsafe_file: next(),
                invalid_request: next(),
            },
            rejections: RejectionTexts {
                empty: next(),
                no_extension: next(),
                unsupported: next(),
                too_large: next(),
                formats_unavailable: next(),
            },
            formats: FormatTexts {
                plain_text: next(),
                opendocument_text: next(),
                opendocument_spreadsheet: next(),
                image: next(),
                document: next(),
                data: next(),
                other: next(),
            },
            diagnostics: DiagnosticsTexts {
                heading: next(),
                phase: next(),
                epoch: next(),
                token_known: next(),
                yes: next(),
                no: next(),
                inits: next(),
                recoveries: next(),
                syncs: next(),
                probe_one: next(),
                probe_five: next(),
                sending: Plural {
                    one: next(),
                    other: next(),
                },
                succeeded: Plural {
                    one: next(),
                    other: next(),
                },
                first_error: next(),
            },
            queue: QueueTexts {
                heading: next(),
                summary: next(),
                drop_more: next(),
                over_limit: Plural {
                    one: next(),
                    other: next(),
                },
                convert_all_of_type: next(),
                target_for: next(),
                start: Plural {
                    one: next(),
                    other: next(),
                },
                waiting: next(),
                uploading: next(),
                queued: next(),
                converting: next(),
                done: next(),
                cancelled: next(),
                paused: next(),
                remove: next(),
                download_all: next(),
                downloading_all: next(),
                allow_downloads: next(),
                quota_full: next(),
                announce_done: next(),
                announce_failed: next(),
            },
        })
    }

    /// What a page carries: `{"code": "fr", "texts": [...]}`, safe inside a `<script>` element.
    pub fn to_page_json(&self) -> String {
        let texts: Vec<&str> = self.texts().into_iter().map(|(_, text)| text).collect();
        serde_json::json!({"code": self.info.code, "texts": texts})
            .to_string()
            // No `<` at all inside the script element (`</script>`, `<!--` would change how
            // the page is parsed); `\u003c` is the same character to a JSON reader.
            .replace('<', "\\u003c")
    }

    /// The catalogue a page carries (see [`Catalogue::to_page_json`]).
    pub fn from_page_json(json: &str) -> Result<Self, String> {
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|error| format!("unreadable texts: {error}"))?;
        Self::from_page_value(&value)
    }

    /// The same, from JSON already parsed (the app parses with the browser's own parser).
    pub fn from_page_value(value: &serde_json::Value) -> Result<Self, String> {
        let code = value["code"].as_str().unwrap_or_default();
        let info = by_code(code).ok_or_else(|| format!("texts of an unknown language '{code}'"))?;
        let texts = value["texts"]
            .as_array()
            .ok_or("no texts")?
            .iter()
            .map(|text| {
                text.as_str()
                    .map(str::to_owned)
                    .ok_or("a text that is not a string")
            })
            .collect::<Result<Vec<String>, _>>()?;
        Self::from_texts(info, texts)
    }
}

/// Hands out the texts in order, from one leaked string: one allocation for them all, and a
/// small call per field (the struct literal has 174).
struct Reader {
    all: &'static str,
    lengths: Vec<usize>,
    index: usize,
    start: usize,
}

impl Reader {
    fn new(texts: &[String]) -> Self {
        Reader {
            all: Box::leak(texts.concat().into_boxed_str()),
            lengths: texts.iter().map(String::len).collect(),
            index: 0,
            start: 0,
        }
    }

    #[inline(never)]
    fn next(&mut self) -> &'static str {
        let length = self.lengths.get(self.index).copied().unwrap_or(0);
        let end = self.start + length;
        let text = self.all.get(self.start..end).unwrap_or_default();
        (self.index, self.start) = (self.index + 1, end);
        text
    }
}

/// How many texts a catalogue has, every language the same (a test checks it).
pub const TEXT_COUNT: usize = 174;

/// The `id` of the element that carries a page's texts.
pub const PAGE_TEXTS_ID: &str = "trustyconvert-texts";

/// The element the build puts in each page: a data block, which no Content-Security-Policy
/// treats as a script.
pub fn page_texts_element(catalogue: &Catalogue) -> String {
    format!(
        r#"<script type="application/json" id="{PAGE_TEXTS_ID}">{}</script>"#,
        catalogue.to_page_json()
    )
}

/// The texts' JSON in a page's HTML, as [`page_texts_element`] wrote it.
pub fn texts_in_page(html: &str) -> Option<&str> {
    let marker = format!(r#"id="{PAGE_TEXTS_ID}">"#);
    let start = html.find(&marker)? + marker.len();
    let length = html[start..].find("</script>")?;
    Some(&html[start..start + length])
}
