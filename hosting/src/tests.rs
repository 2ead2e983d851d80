use super::*;

#[test]
fn the_api_origin_comes_from_an_absolute_base_and_a_path_means_the_same_origin() {
    assert_eq!(api_origin("/api"), Ok(None));
    assert_eq!(
        api_origin("https://API.example.com/api/"),
        Ok(Some("https://api.example.com".to_owned()))
    );
    assert_eq!(
        api_origin("http://api.trustyconvert.test:8123/api"),
        Ok(Some("http://api.trustyconvert.test:8123".to_owned()))
    );
    assert_eq!(
        api_origin("http://[::1]:8000/api"),
        Ok(Some("http://[::1]:8000".to_owned()))
    );
    for refused in [
        "//api.example.com/api",
        "ftp://api.example.com",
        "https://",
        "https://api.example.com; script-src *",
        "https://api.example.com\"/api",
        "api.example.com/api",
        "https://:",
        "https://a:b:c",
        "https://host:",
        "https://host:123456",
    ] {
        assert!(api_origin(refused).is_err(), "{refused}");
    }
}

#[test]
fn the_policy_allows_no_inline_code_and_names_the_api_where_it_is_needed() {
    let policy = content_security_policy(Some("https://api.example.com"));
    assert!(!policy.contains("unsafe-inline") && !policy.contains("'unsafe-eval'"));
    assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval';"));
    assert!(policy.contains("style-src 'self';"));
    assert!(policy.contains("connect-src 'self' https://api.example.com;"));
    assert!(policy.contains("frame-src 'self' https://api.example.com;"));
    assert!(policy.contains("frame-ancestors 'none'"));
    let same_origin = content_security_policy(None);
    assert!(same_origin.contains("connect-src 'self';"));
}

#[test]
fn headers_for_static_hosts_never_give_an_asset_two_cache_rules() {
    let headers = netlify_headers(Some("https://api.example.com"), &["/", "/index.html"]);
    let rules: Vec<&str> = headers
        .lines()
        .filter(|line| line.starts_with('/'))
        .collect();
    assert_eq!(rules, ["/*", "/assets/*", "/", "/index.html"]);
    let catch_all = headers
        .split("/assets/*")
        .next()
        .expect("the catch-all comes first");
    assert!(!catch_all.contains("Cache-Control"));
    assert!(catch_all.contains("Content-Security-Policy: default-src 'self'"));
    let redirects = netlify_redirects();
    let first_rule = redirects
        .lines()
        .find(|line| !line.starts_with('#'))
        .expect("a rule");
    assert!(first_rule.starts_with("/assets/*") && first_rule.ends_with("404"));
}

#[test]
fn nginx_repeats_the_security_headers_in_every_location_and_keeps_its_files_under_the_prefix() {
    let conf = nginx_conf(
        Path::new("/srv/site"),
        "127.0.0.1:8080",
        Some("https://api.example.com"),
    );
    // Every location: the found assets, a missing asset, the hosts' files, the pages (a
    // language's, the default's).
    let policies = conf.matches("add_header Content-Security-Policy").count();
    assert_eq!(policies, 5);
    // Security headers on every answer, errors too; the year-long cache only on found assets.
    assert_eq!(conf.matches("always;").count(), 5 * 4 + 3);
    assert!(conf.contains(&format!(
        "add_header Cache-Control \"{ASSET_CACHE_CONTROL}\";"
    )));
    assert!(conf.contains("root \"/srv/site\";"));
    assert!(conf.contains("listen 127.0.0.1:8080;"));
    assert!(conf.contains("try_files $uri @missing_asset;"));
    assert!(conf.contains("application/wasm wasm;"));
    assert!(conf.contains("master_process off;"));
    for line in conf.lines().filter(|line| line.contains("_path ")) {
        assert!(line.contains(" tmp/"), "{line}");
    }
}

#[test]
fn a_languages_deep_link_is_served_by_its_page_on_every_host() {
    assert_eq!(page_for_path("/es/convert/x"), "/es/index.html");
    assert_eq!(page_for_path("/zh/"), "/zh/index.html");
    assert_eq!(page_for_path("/anything"), "/index.html");
    let redirects = netlify_redirects();
    let rules: Vec<&str> = redirects.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(rules[1], "/es/*  /es/index.html  200");
    assert_eq!(rules.last().copied(), Some("/*  /index.html  200"));
    let conf = nginx_conf(Path::new("/site"), "127.0.0.1:1", None);
    assert!(conf.contains("location ~ ^/(es|fr|de|zh)/ {"), "{conf}");
    assert!(conf.contains("try_files $uri $uri/index.html /$1/index.html;"));
}
