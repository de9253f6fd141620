//! A base URL with a sub-path: every URL in the output must carry it.

use crate::support::*;

const BASE: &str = "https://example.org/brief/";

/// A link is fine if it stays in the site under the sub-path, is a
/// fragment, or leaves for another host.
fn stays_under_sub_path(link: &str) -> bool {
    let external = (link.starts_with("https://") || link.starts_with("http://"))
        && !link.starts_with("https://example.org")
        && !link.starts_with("http://example.org");
    link.starts_with("/brief/") || link.starts_with('#') || link.starts_with(BASE) || external
}

#[test]
fn sub_path_every_internal_href_and_src_carries_it() {
    let built = sample_site(BASE).build().ok();
    let (mut bad, mut checked) = (Vec::new(), 0);
    for (path, bytes) in tree(&built.out) {
        if path.ends_with(".html") {
            for link in links(&String::from_utf8(bytes).unwrap()) {
                checked += 1;
                if !stays_under_sub_path(&link) {
                    bad.push(format!("{path}: {link}"));
                }
            }
        }
    }
    assert!(bad.is_empty(), "links that leave the sub-path: {bad:#?}");
    assert!(checked > 100, "the extractor found only {checked} links");
    let home = built.read("index.html");
    assert!(links(&home).contains(&"/brief/briefings/fifth/".to_string()));
    let third = built.read("briefings/third/index.html");
    assert!(
        links(&third).contains(&"https://other.example/page".to_string()),
        "external links are kept"
    );
}

#[test]
fn sub_path_feeds_sitemap_and_robots_are_absolute_under_it() {
    let built = sample_site(BASE).build().ok();
    for feed in ["atom.xml", "tags/minerals/atom.xml"] {
        let xml = built.read(feed);
        check_xml(&xml).unwrap();
        let urls: Vec<String> = xml_texts(&xml, "id")
            .into_iter()
            .chain(links(&without_cdata(&xml)))
            .collect();
        assert!(
            urls.len() > 3 && urls.iter().all(|u| u.starts_with(BASE)),
            "{feed}: {urls:#?}"
        );
    }
    let locs = xml_texts(&built.read("sitemap.xml"), "loc");
    assert!(locs.iter().all(|u| u.starts_with(BASE)), "{locs:#?}");
    assert!(locs.contains(&format!("{BASE}briefings/custom-slug/")));
    assert!(
        built
            .read("robots.txt")
            .contains("Sitemap: https://example.org/brief/sitemap.xml")
    );
}

#[test]
fn base_url_override_from_the_command_line() {
    let s = sample_site("https://example.org/");
    let run = s.brief(&["build", "--base-url", BASE]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let home = std::fs::read_to_string(s.path("public/index.html")).unwrap();
    assert!(
        links(&home).contains(&"/brief/briefings/fifth/".to_string()),
        "{home}"
    );
    assert!(
        links(&home).iter().all(|l| stays_under_sub_path(l)),
        "{:#?}",
        links(&home)
    );
    let atom = std::fs::read_to_string(s.path("public/atom.xml")).unwrap();
    assert_eq!(
        xml_texts(&atom, "id")[0],
        "https://example.org/brief/atom.xml"
    );
}

#[test]
fn invalid_base_url_override_is_a_usage_error() {
    let s = sample_site("https://example.org/");
    let run = s.brief(&["build", "--base-url", "example.org/brief"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert_eq!(
        run.stderr.trim(),
        "error: invalid --base-url `example.org/brief`: must start with `https://` or `http://`"
    );
    assert!(!s.path("public").exists());
}

/// A site with one explainer change, so explainer/atom.xml has an entry
/// linking its briefing.
fn site_with_base(base_url: &str) -> TempSite {
    site(&[
        (
            "site.toml",
            &format!("title = \"T\"\nbase_url = {}\n", toml_string(base_url)),
        ),
        (
            "content/sources.toml",
            "[src]\ntitle = \"A source\"\npublisher = \"P\"\nkind = \"news\"\n",
        ),
        (
            "content/briefings/2025-06-01-a.md",
            &briefing(
                "A",
                "2025-06-01",
                "[[deal]]\nid = \"p\"\nkind = \"is\"\ntext = \"A point.\"\ncite = [\"src\"]",
                "Body [@src].\n",
            ),
        ),
    ])
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

#[test]
fn base_url_is_normalised_and_escaped_everywhere() {
    let built = site_with_base("HTTPS://EXAMPLE.ORG/a\"b<c'd/").build().ok();
    let feed = built.read("explainer/atom.xml");
    check_xml(&feed).unwrap();
    assert!(
        feed.contains("<a href=\"https://example.org/a%22b%3Cc&#39;d/briefings/a/\">"),
        "{feed}"
    );
    for (path, bytes) in tree(&built.out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("EXAMPLE.ORG"), "{path}");
        assert!(!text.contains("a\"b") && !text.contains("b<c"), "{path}");
    }
}

#[test]
fn an_invalid_base_url_is_an_error_at_its_line() {
    for (base, why) in [
        (
            "https://example.org:99999/",
            "is not a valid URL: invalid port number",
        ),
        (
            "https://exa\"mple.org/",
            "`exa\"mple.org` is not a valid host name",
        ),
        (
            "ftp://example.org/",
            "must start with `https://` or `http://`",
        ),
    ] {
        let s = site_with_base(base);
        let diags = s.diags();
        assert_eq!(
            diags,
            [format!(
                "site.toml:2:12: error: invalid `base_url`: {why} (help: write it as `https://example.org/` or `https://example.org/sub/path/`)"
            )],
            "{base}"
        );
    }
}
