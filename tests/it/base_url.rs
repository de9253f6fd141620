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
