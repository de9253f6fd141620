//! Issue 20, figures and co-located files: folder briefings, the files
//! published beside them, images as figures, fenced `figure` blocks with
//! captions, credits and numbered citations, raster images resized into a
//! few widths (decoded back here to check their sizes) through the site's
//! cache, and every diagnostic at its position.

use image::{ImageEncoder, RgbImage, RgbaImage};

use crate::support::*;

const FOLDER: &str = "content/briefings/2025-06-10-the-numbers";

/// A PNG of `width`×`height`: a gradient, so resizing has work to do.
fn png(width: u32, height: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 90])
    });
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(y * 255 / height) as u8, 120, (x * 255 / width) as u8])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .unwrap();
    out
}

/// A lossless WebP, with an alpha channel when `alpha`.
fn webp(width: u32, height: u32, alpha: bool) -> Vec<u8> {
    let img = RgbaImage::from_fn(width, height, |x, _| {
        image::Rgba([
            200,
            (x * 255 / width) as u8,
            40,
            if alpha { 128 } else { 255 },
        ])
    });
    let mut out = Vec::new();
    let encoder = image::codecs::webp::WebPEncoder::new_lossless(&mut out);
    if alpha {
        encoder
            .write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgba8)
            .unwrap();
    } else {
        let rgb = image::DynamicImage::ImageRgba8(img).to_rgb8();
        encoder
            .write_image(rgb.as_raw(), width, height, image::ExtendedColorType::Rgb8)
            .unwrap();
    }
    out
}

/// A folder briefing `the-numbers` with `body`, and `files` beside it.
fn folder_site(body: &str, files: &[(&str, Vec<u8>)]) -> TempSite {
    let s = site(&[(
        &format!("{FOLDER}/index.md"),
        &briefing("The numbers", "2025-06-10", "", body),
    )]);
    for (name, bytes) in files {
        s.write_bytes(&format!("{FOLDER}/{name}"), bytes);
    }
    s
}

/// The value of attribute `name` in one tag, decoded.
fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// Every `<img …>` tag of a page's article body, in order.
fn imgs(html: &str) -> Vec<String> {
    let body = between(html, "<div class=\"prose article-body\">", "</article>");
    body.match_indices("<img ")
        .map(|(at, _)| body[at..=at + body[at..].find('>').unwrap()].to_string())
        .collect()
}

/// (URL, width) of each candidate of a `srcset`.
fn srcset(tag: &str) -> Vec<(String, u32)> {
    attr(tag, "srcset")
        .unwrap_or_default()
        .split(", ")
        .filter(|c| !c.is_empty())
        .map(|c| {
            let (url, w) = c.rsplit_once(' ').unwrap();
            (url.to_string(), w.trim_end_matches('w').parse().unwrap())
        })
        .collect()
}

/// The size of an output image, decoded.
fn size_of(built: &Built, rel: &str) -> (u32, u32) {
    let bytes = std::fs::read(built.out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let img = image::load_from_memory(&bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
    (img.width(), img.height())
}

/// Files in the site's image cache.
fn cached(s: &TempSite) -> Vec<String> {
    let dir = s.path(".brief-cache/images");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_folder_briefing_is_named_by_its_folder() {
    let s = site(&[
        (
            "content/briefings/2025-06-10-the-numbers/index.md",
            &briefing("The numbers", "2025-06-10", "", "Body.\n"),
        ),
        (
            "content/briefings/2025/renamed/index.md",
            &briefing("Renamed", "2025-06-11", "slug = \"by-key\"", "Body.\n"),
        ),
    ]);
    let built = s.build().ok();
    assert!(
        built.exists("briefings/the-numbers/index.html"),
        "{:#?}",
        built.files()
    );
    assert!(
        built.exists("briefings/by-key/index.html"),
        "{:#?}",
        built.files()
    );
    assert!(
        !built.files().iter().any(|f| f.contains("index/")),
        "{:#?}",
        built.files()
    );
}

#[test]
fn files_beside_a_folder_briefing_are_published_next_to_its_page() {
    let s = folder_site(
        "See [the data](data/table.csv) and [the report](report.pdf).\n",
        &[
            ("data/table.csv", b"metal,share\ndysprosium,99\n".to_vec()),
            ("report.pdf", b"%PDF-1.4 not really\n".to_vec()),
            (".report.pdf.swp", b"editor file".to_vec()),
        ],
    );
    // A folder below with its own index.md is another briefing, with its files.
    s.write(
        &format!("{FOLDER}/annex/index.md"),
        &briefing("Annex", "2025-06-11", "", "The annex.\n"),
    );
    s.write_bytes(
        &format!("{FOLDER}/annex/chart.svg"),
        b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"5\"></svg>",
    );
    let built = s.build().ok();
    let files = built.files();
    let under = |slug: &str| -> Vec<String> {
        let prefix = format!("briefings/{slug}/");
        files
            .iter()
            .filter_map(|f| f.strip_prefix(&prefix).map(str::to_string))
            .collect()
    };
    assert_eq!(
        under("the-numbers"),
        ["data/table.csv", "index.html", "report.pdf"]
    );
    assert_eq!(under("annex"), ["chart.svg", "index.html"]);
    assert_eq!(
        std::fs::read(built.out.join("briefings/the-numbers/data/table.csv")).unwrap(),
        b"metal,share\ndysprosium,99\n"
    );
    // Relative links already point there: the page's URL is a folder.
    let html = built.read("briefings/the-numbers/index.html");
    assert!(
        html.contains("<a href=\"data/table.csv\">the data</a>"),
        "{html}"
    );
}

#[test]
fn raster_images_are_resized_into_widths_never_upscaled() {
    let body = "\
![A photo of a port](port.jpg)

![A chart of shares](chart.png)

![A small badge](badge.png)

![An opaque WebP](wide.webp)

![A transparent WebP](glass.webp)
";
    let s = folder_site(
        body,
        &[
            ("port.jpg", jpeg(2000, 1333)),
            ("chart.png", png(1200, 800)),
            ("badge.png", png(300, 200)),
            ("wide.webp", webp(1000, 500, false)),
            ("glass.webp", webp(600, 300, true)),
        ],
    );
    let built = s.build().ok();
    let html = built.read("briefings/the-numbers/index.html");
    let tags = imgs(&html);
    assert_eq!(tags.len(), 5, "{tags:#?}");
    let dir = "briefings/the-numbers";
    // (the source's size, srcset widths, width and height attributes,
    // extension of the copies)
    type Expected = ((u32, u32), &'static [u32], (u32, u32), &'static str);
    let expected: [Expected; 5] = [
        ((2000, 1333), &[480, 960, 1600], (1600, 1066), "jpg"),
        ((1200, 800), &[480, 960, 1200], (1200, 800), "png"),
        ((300, 200), &[], (300, 200), "png"),
        // An opaque WebP's copies are JPEGs, a transparent one's WebPs.
        ((1000, 500), &[480, 960, 1000], (1000, 500), "jpg"),
        ((600, 300), &[480, 600], (600, 300), "webp"),
    ];
    let mut published = Vec::new();
    for (tag, ((sw, sh), widths, (w, h), ext)) in tags.iter().zip(expected) {
        let candidates = srcset(tag);
        assert_eq!(
            candidates.iter().map(|(_, w)| *w).collect::<Vec<_>>(),
            widths,
            "{tag}"
        );
        assert_eq!(attr(tag, "width"), Some(w.to_string()), "{tag}");
        assert_eq!(attr(tag, "height"), Some(h.to_string()), "{tag}");
        assert_eq!(attr(tag, "decoding").as_deref(), Some("async"), "{tag}");
        for (url, width) in &candidates {
            // Every candidate is a file of the output, of the width it says.
            let (real_w, real_h) = size_of(&built, &format!("{dir}/{url}"));
            assert_eq!(real_w, *width, "{url}");
            // The source's aspect ratio, to the nearest pixel.
            assert_eq!(real_h, (sh * width + sw / 2) / sw, "{url}");
            if *width < sw {
                assert!(url.ends_with(&format!(".{ext}")), "{url}");
            }
            published.push(url.clone());
        }
        // Without srcset support, a browser loads a copy no wider than 960.
        let src = attr(tag, "src").unwrap();
        assert!(built.exists(&format!("{dir}/{src}")), "{src}");
        assert!(size_of(&built, &format!("{dir}/{src}")).0 <= 960, "{tag}");
    }
    // The copies are exactly the files the srcsets list, besides the
    // originals.
    let mut copies: Vec<String> = built
        .files()
        .into_iter()
        .filter_map(|f| f.strip_prefix("briefings/the-numbers/").map(str::to_string))
        .filter(|f| f.contains("w."))
        .collect();
    copies.sort();
    let mut listed: Vec<String> = published.into_iter().filter(|u| u.contains("w.")).collect();
    listed.sort();
    listed.dedup();
    assert_eq!(copies, listed);
    // Lazy loading for all but the first image of the page.
    let lazy: Vec<bool> = tags
        .iter()
        .map(|t| attr(t, "loading").as_deref() == Some("lazy"))
        .collect();
    assert_eq!(lazy, [false, true, true, true, true]);
    assert!(attr(&tags[0], "sizes").is_some_and(|s| s.ends_with("100vw")));
}

#[test]
fn an_image_alone_in_its_paragraph_is_a_figure_with_its_title_as_caption() {
    let s = folder_site(
        "![Ships at \"Ningbo\"](port.png \"Most magnets ship from Chinese ports\")\n\nText with an inline ![icon](port.png) image.\n",
        &[("port.png", png(400, 300))],
    );
    let built = s.build().ok();
    let html = built.read("briefings/the-numbers/index.html");
    let body = between(&html, "<div class=\"prose article-body\">", "</div>");
    assert!(
        body.contains("<figure>\n<img src=\"port.png\" width=\"400\" height=\"300\" alt=\"Ships at “Ningbo”\" decoding=\"async\">\n<figcaption>Most magnets ship from Chinese ports</figcaption>\n</figure>"),
        "{body}"
    );
    assert!(body.contains("<p>Text with an inline <img src=\"port.png\" width=\"400\" height=\"300\" alt=\"icon\" loading=\"lazy\" decoding=\"async\"> image.</p>"), "{body}");
    // The summary is the first paragraph of text, not the figure.
    assert!(
        html.contains("<meta name=\"description\" content=\"Text with an inline"),
        "{html}"
    );
}

const SOURCES: &str = "content/sources.toml";
const REGISTRY: &str = "
    [port-report]
    title = \"Ports and magnets\"
    publisher = \"Harbour Data\"

    [magnet-study]
    title = \"Where magnets come from\"
    publisher = \"Magnet Institute\"
    ";

#[test]
fn a_figure_block_has_a_caption_a_credit_and_numbered_citations() {
    let body = "\
The study [@magnet-study] says so.

```figure
src = \"port.png\"
alt = \"Container ships at a Chinese port\"
caption = \"Most magnets ship from *Chinese* ports.\"
credit = \"Photo: Harbour Data\"
cite = [\"port-report\", \"magnet-study\"]
```
";
    let s = folder_site(body, &[("port.png", png(800, 500))]);
    s.write(SOURCES, REGISTRY);
    let built = s.build().ok();
    assert!(built.diags().is_empty(), "{:#?}", built.diags());
    let html = built.read("briefings/the-numbers/index.html");
    let figure = between(&html, "<figure>", "</figure>");
    assert!(
        figure.contains("alt=\"Container ships at a Chinese port\""),
        "{figure}"
    );
    let caption = between(figure, "<figcaption>", "</figcaption>");
    assert!(
        caption.starts_with("Most magnets ship from <em>Chinese</em> ports."),
        "{caption}"
    );
    // Numbered with the body's citations: the study is 1, the report 2,
    // shown in number order.
    assert!(
        caption.contains("href=\"#ref-1\" id=\"cite-1-b\""),
        "{caption}"
    );
    assert!(
        caption.contains("href=\"#ref-2\" id=\"cite-2-a\""),
        "{caption}"
    );
    assert!(caption.find("#ref-1").unwrap() < caption.find("#ref-2").unwrap());
    assert!(
        caption.ends_with("<span class=\"figure-credit\">Photo: Harbour Data</span>"),
        "{caption}"
    );
    // The references list the report, and its source page names the
    // briefing with the caption as the citing sentence.
    let refs = between(&html, "id=\"ref-2\"", "</li>");
    assert!(refs.contains("Ports and magnets"), "{refs}");
    let source = built.read("sources/port-report/index.html");
    assert!(source.contains("briefings/the-numbers/"), "{source}");
    assert!(
        source.contains("Most magnets ship from Chinese ports."),
        "{source}"
    );
}

#[test]
fn every_figure_problem_is_reported_at_its_position() {
    let body = "\
![A map](mapp.png)

![Outside](../other/map.png)

![A table](table.csv)

![Broken](broken.png)

```figure
src = \"map.png\"
alt = \"A map\"
captoin = \"Typo\"
```

```figure
alt = \"No source\"
```

```figure
src = \"map.png\"
cite = [\"port-reprot\"]
```

> ```figure
> src = \"nope.png\"
> alt = \"In a quote\"
> ```
";
    let s = folder_site(
        body,
        &[
            ("map.png", png(100, 50)),
            ("table.csv", b"a,b\n".to_vec()),
            ("broken.png", b"a text file named .png".to_vec()),
        ],
    );
    s.write(SOURCES, REGISTRY);
    let f = format!("{FOLDER}/index.md");
    // The front matter is four lines: the body starts at line 5.
    assert_eq!(
        s.diags(),
        [
            format!(
                "{f}:5:10: error: image `mapp.png` not found beside this briefing (help: did you mean `map.png`?)"
            ),
            format!(
                "{f}:7:12: error: image `../other/map.png` is outside this briefing's folder (help: put the image in {FOLDER}/ and write its name, e.g. `map.png`)"
            ),
            format!(
                "{f}:9:12: error: `table.csv` is not an image (help: show a PNG, JPEG, WebP, GIF or SVG file; link to other files with `[text](file)`)"
            ),
            format!(
                "{f}:11:11: error: cannot read image {FOLDER}/broken.png: it is not a PNG, JPEG or WebP image"
            ),
            format!(
                "{f}:16:1: error: unknown key `captoin` in figure (help: did you mean `caption`?)"
            ),
            format!(
                "{f}:19:1: error: figure without `src` (help: add `src = \"map.png\"`: the image's file name beside the briefing)"
            ),
            format!(
                "{f}:23:1: warning: figure without alt text (help: describe the image for readers who cannot see it: `alt = \"what it shows\"`)"
            ),
            format!(
                "{f}:25:9: error: unknown source id `port-reprot` (help: did you mean `port-report`?)"
            ),
            format!(
                "{f}:29:9: error: image `nope.png` not found beside this briefing (help: put the image in {FOLDER}/)"
            ),
        ]
    );
}

#[test]
fn missing_alt_text_is_a_warning_and_an_error_under_strict_check() {
    let s = folder_site("![](map.png)\n", &[("map.png", png(100, 50))]);
    assert_eq!(
        s.diags(),
        [format!(
            "{FOLDER}/index.md:5:1: warning: image without alt text (help: describe the image for readers who cannot see it: `![what it shows](…)`)"
        )]
    );
    let strict = s.brief(&["check", "--strict"]);
    assert_eq!(strict.code, Some(1), "{strict:?}");
}

#[test]
fn an_image_that_fails_to_decode_is_an_error_naming_the_file() {
    // A PNG whose header is whole but whose pixels are cut off: only
    // decoding finds it, so the build (not check) reports it.
    let mut cut = png(600, 400);
    cut.truncate(cut.len() / 2);
    let s = folder_site("![Cut off](cut.png)\n", &[("cut.png", cut)]);
    let built = s.build();
    let diags = built.diags();
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert!(
        diags[0].starts_with(&format!(
            "{FOLDER}/cut.png: error: cannot resize image {FOLDER}/cut.png: "
        )),
        "{diags:#?}"
    );
    assert_eq!(built.report.outputs, 0);
}

#[test]
fn the_second_build_takes_every_copy_from_the_cache() {
    let s = folder_site(
        "![A photo](port.jpg)\n\n![A chart](chart.png)\n",
        &[
            ("port.jpg", jpeg(1700, 1000)),
            ("chart.png", png(1000, 600)),
        ],
    );
    let first = s.build().ok();
    assert_eq!((first.report.images.made, first.report.images.hits), (5, 0));
    let cache = cached(&s);
    assert_eq!(cache.len(), 5, "{cache:?}");
    let before: Vec<std::time::SystemTime> = cache
        .iter()
        .map(|n| {
            std::fs::metadata(s.path(&format!(".brief-cache/images/{n}")))
                .unwrap()
                .modified()
                .unwrap()
        })
        .collect();
    let output = tree(&first.out);
    let second = s.build().ok();
    assert_eq!(
        (second.report.images.made, second.report.images.hits),
        (0, 5)
    );
    assert_eq!(cached(&s), cache);
    let after: Vec<std::time::SystemTime> = cache
        .iter()
        .map(|n| {
            std::fs::metadata(s.path(&format!(".brief-cache/images/{n}")))
                .unwrap()
                .modified()
                .unwrap()
        })
        .collect();
    assert_eq!(before, after, "the cache was written again");
    // The same bytes either way, and the cache is not published.
    let again = tree(&second.out);
    for (path, bytes) in &output {
        if !path.starts_with("pagefind/") {
            assert_eq!(again.get(path), Some(bytes), "{path}");
        }
    }
    assert!(!again.keys().any(|p| p.contains("brief-cache")));
    // A changed image is resized again, under new names.
    s.write_bytes(&format!("{FOLDER}/chart.png"), &png(1000, 700));
    let third = s.build().ok();
    assert_eq!((third.report.images.made, third.report.images.hits), (2, 3));
    let html = third.read("briefings/the-numbers/index.html");
    assert!(html.contains("height=\"700\""), "{html}");
    assert!(!third.exists(&srcset(&imgs(&first.read("briefings/the-numbers/index.html"))[1])[0].0));
}

#[test]
fn svg_and_gif_are_published_as_they_are_with_their_size() {
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 360\"><rect width=\"640\" height=\"360\"/></svg>".to_vec();
    let gif = b"GIF89a\x20\x00\x10\x00\x00\x00\x00;".to_vec();
    let s = folder_site(
        "![A diagram](diagram.svg)\n\n![An animation](loop.gif)\n",
        &[("diagram.svg", svg.clone()), ("loop.gif", gif)],
    );
    let built = s.build().ok();
    let tags = imgs(&built.read("briefings/the-numbers/index.html"));
    assert_eq!(attr(&tags[0], "src").as_deref(), Some("diagram.svg"));
    assert_eq!(
        (attr(&tags[0], "width"), attr(&tags[0], "height")),
        (Some("640".into()), Some("360".into()))
    );
    assert_eq!(attr(&tags[0], "srcset"), None);
    assert_eq!(
        (attr(&tags[1], "width"), attr(&tags[1], "height")),
        (Some("32".into()), Some("16".into()))
    );
    assert_eq!(
        std::fs::read(built.out.join("briefings/the-numbers/diagram.svg")).unwrap(),
        svg
    );
    assert!(cached(&s).is_empty());
}

#[test]
fn relative_images_elsewhere_are_left_as_written() {
    // Only a folder briefing has files beside it; other documents' images
    // are not checked or resized, as before.
    let s = site(&[(
        "content/briefings/a.md",
        &briefing("A", "2025-06-09", "", "![A chart](chart.png)\n\nText.\n"),
    )]);
    let built = s.build().ok();
    let html = built.read("briefings/a/index.html");
    assert!(
        html.contains(
            "<figure>\n<img src=\"chart.png\" alt=\"A chart\" decoding=\"async\">\n</figure>"
        ),
        "{html}"
    );
    assert!(built.diags().is_empty(), "{:#?}", built.diags());
}

#[test]
fn a_new_site_ignores_the_image_cache() {
    let dir = tempfile::tempdir().unwrap();
    let created = brief::init::init(
        &dir.path().join("s"),
        chrono::NaiveDate::from_ymd_opt(2025, 6, 9).unwrap(),
    )
    .unwrap();
    let ignore = std::fs::read_to_string(created.dir.join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == ".brief-cache/"), "{ignore}");
}

#[test]
fn a_photo_stored_sideways_is_sized_and_resized_as_it_is_shown() {
    // A 1200×800 JPEG with EXIF orientation 6 (rotate 90° clockwise): a
    // portrait photo as phones store it.
    let plain = jpeg(1200, 800);
    let tiff: Vec<u8> = [
        &b"MM\x00\x2a\x00\x00\x00\x08\x00\x01"[..],
        &[
            0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00,
        ],
        &[0, 0, 0, 0],
    ]
    .concat();
    let app1 = [&b"Exif\x00\x00"[..], &tiff].concat();
    let len = (app1.len() + 2) as u16;
    let rotated = [
        &plain[..2],
        &[0xFF, 0xE1],
        &len.to_be_bytes(),
        &app1,
        &plain[2..],
    ]
    .concat();
    let s = folder_site(
        "![A portrait](portrait.jpg)\n",
        &[("portrait.jpg", rotated)],
    );
    let built = s.build().ok();
    let tag = &imgs(&built.read("briefings/the-numbers/index.html"))[0];
    assert_eq!(
        (attr(tag, "width"), attr(tag, "height")),
        (Some("800".into()), Some("1200".into())),
        "{tag}"
    );
    let candidates = srcset(tag);
    assert_eq!(
        candidates.iter().map(|(_, w)| *w).collect::<Vec<_>>(),
        [480, 800]
    );
    assert_eq!(
        size_of(
            &built,
            &format!("briefings/the-numbers/{}", candidates[0].0)
        ),
        (480, 720)
    );
}

#[test]
fn a_file_beside_a_briefing_may_not_replace_its_page() {
    let s = folder_site("Body.\n", &[("index.html", b"<p>mine</p>".to_vec())]);
    assert_eq!(
        s.diags(),
        [format!(
            "{FOLDER}/index.html: error: this file would replace the briefing's page, index.html (help: rename it)"
        )]
    );
}
