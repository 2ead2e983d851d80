//! Property tests: no input from the network or the page makes the pure layer panic.

use proptest::prelude::*;
use trustyconvert_core::{
    parse_response, read_csrf_cookie, resolve_api_url, should_send_csrf, validate_file,
    FormatCatalog,
};

/// Bodies that look like our envelopes, so the parser's deeper paths are exercised too.
fn envelope_like() -> impl Strategy<Value = Vec<u8>> {
    let field = prop_oneof![
        Just("\"success\":false".to_owned()),
        Just("\"success\":true".to_owned()),
        "\"error\":\"[A-Za-z ]{0,20}\"",
        "\"error\":\\{\"type\":\"[A-Za-z_]{0,20}\",\"message\":\"[ -~]{0,10}\"\\}",
        "\"data\":\\{\"csrf_token\":\"[ -~]{0,10}\",\"error\":\"[A-Za-z]{0,12}\"\\}",
        "\"details\":\\[\\{\"field\":\"f\",\"message\":\"[a-z]{0,5}\"\\}\\]",
        "\"retry_after\":-?[0-9]{0,12}(\\.[0-9])?",
        "\"correlation_id\":\"[ -~]{0,8}\"",
    ];
    prop::collection::vec(field, 0..6)
        .prop_map(|fields| format!("{{{}}}", fields.join(",")).into_bytes())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn envelope_never_panics(
        status in any::<u16>(),
        content_type in proptest::option::of(".{0,30}"),
        correlation in proptest::option::of(".{0,20}"),
        retry_after in proptest::option::of(".{0,20}"),
        body in prop_oneof![prop::collection::vec(any::<u8>(), 0..512), envelope_like()],
    ) {
        let result = parse_response(
            status,
            content_type.as_deref(),
            correlation.as_deref(),
            retry_after.as_deref(),
            &body,
        );
        match result {
            Ok(ok) => {
                prop_assert!((200..300).contains(&status));
                let _ = ok.csrf_token();
            }
            Err(err) => {
                for language in trustyconvert_core::i18n::LANGUAGES {
                    let _ = err.user_message(language);
                }
                let _ = err.to_string();
            }
        }
    }

    #[test]
    fn csrf_scope_never_panics(
        method in ".{0,8}",
        url in prop_oneof![".{0,60}", "(https?://)?[a-z.:\\[\\]0-9@%/\\\\.]{0,40}"],
        page in prop_oneof![".{0,40}", Just("https://app.example.com/x/y".to_owned())],
        base in prop_oneof![".{0,30}", Just("/api".to_owned())],
        path in ".{0,30}",
    ) {
        let _ = should_send_csrf(&method, &url, &page, &base);
        let _ = resolve_api_url(&base, &path);
    }

    #[test]
    fn cookie_and_file_checks_never_panic(cookie in ".{0,80}", name in ".{0,40}", size in any::<u64>()) {
        let _ = read_csrf_cookie(&cookie);
        let catalog = FormatCatalog::from_data(&serde_json::json!([
            {"inputFormats": ["png"], "outputFormats": ["jpg"]}
        ])).unwrap();
        if let Err(rejection) = validate_file(&name, size, &catalog) {
            for language in trustyconvert_core::i18n::LANGUAGES {
                let _ = rejection.user_message(language);
            }
        }
    }
}
