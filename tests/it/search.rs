//! The search index, read the way a reader's browser reads it: the
//! client brief writes (`search/engine.js`) runs under Node on the built
//! files, with `fetch` reading them from disk. Node (>= 20) is needed, as
//! for the e2e tests; a missing Node fails the test, it never skips.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use brief::search::{Kind, Live, LiveFile, Record, RecordDate};
use serde_json::Value;

use crate::support::*;

/// Loads `search/engine.js` from `dir` with a `fetch` that reads `dir`,
/// then runs `body` (an async function body that may use `engine`, the
/// module `m`, and `out(value)` to print JSON).
const HARNESS: &str = r#"
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
const dir = process.argv[2];
const input = JSON.parse(fs.readFileSync(0, 'utf8') || 'null');
globalThis.fetch = async (url) => {
  const file = path.join(dir, decodeURIComponent(new URL(url, 'http://site.test').pathname));
  if (!fs.existsSync(file)) return { ok: false, status: 404 };
  const b = fs.readFileSync(file);
  return { ok: true, status: 200, json: async () => JSON.parse(b), arrayBuffer: async () => b.buffer.slice(b.byteOffset, b.byteOffset + b.length) };
};
const m = await import(pathToFileURL(path.join(dir, 'search/engine.js')));
const out = (v) => process.stdout.write(JSON.stringify(v));
"#;

/// Runs `script` (after [`HARNESS`]) under Node against the site in
/// `dir`, with `input` as JSON on stdin; returns what it printed, parsed.
fn node(dir: &Path, script: &str, input: &Value) -> Value {
    let file = dir.join("search-test.mjs");
    std::fs::write(&file, format!("{HARNESS}\n{script}")).unwrap();
    let mut child = Command::new("node")
        .arg(&file)
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run node ({e}): install Node.js 20 or newer"));
    let stdin = child.stdin.take().unwrap();
    let text = input.to_string();
    let writer = std::thread::spawn(move || {
        let mut stdin = stdin;
        std::io::Write::write_all(&mut stdin, text.as_bytes()).unwrap();
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    std::fs::remove_file(&file).unwrap();
    assert!(
        output.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "node printed no JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// Each query's results as the search page shows them: URL, title,
/// kind, and the marked words of the excerpt.
fn search(dir: &Path, queries: &[(&str, Value)]) -> Vec<Value> {
    let input: Vec<Value> = queries
        .iter()
        .map(|(q, options)| serde_json::json!({ "query": q, "options": options }))
        .collect();
    let result = node(
        dir,
        r#"
const engine = await m.open('/');
const all = [];
for (const { query, options } of input) {
  const { results, total } = await engine.search(query, options ?? undefined);
  const shown = await Promise.all(results.slice(0, 20).map((r) => r.data()));
  all.push({ total, results: shown.map((d) => ({ url: d.url, title: d.title, kind: d.kind, date: d.date, tags: d.tags,
    marked: d.excerpt.filter((p) => p.mark).map((p) => p.text) })) });
}
out(all);
"#,
        &Value::from(input),
    );
    result.as_array().unwrap().clone()
}

fn urls(result: &Value) -> Vec<String> {
    result["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["url"].as_str().unwrap().to_string())
        .collect()
}

fn fixture() -> TempSite {
    site(&[
        (
            "content/briefings/2025-06-01-ships.md",
            &briefing(
                "Ships wait at the harbour",
                "2025-06-01",
                "tags = [\"ports\"]",
                "Cargo queues lengthened [@port-data].\n\nA single xylophonic foghorn marked each departure.\n\n## Tariffs\n\nThe tariffs were running high.\n",
            ),
        ),
        (
            "content/briefings/2025-06-02-magnets.md",
            &briefing(
                "Magnet prices settle",
                "2025-06-02",
                "tags = [\"magnets\", \"ports\"]",
                "Prices of sintered magnets held steady; a tariff ran out.[^1]\n\n[^1]: Quietly, said the zygomorphic footnote.\n",
            ),
        ),
        (
            "content/briefings/2025-06-03-quiet.md",
            &briefing(
                "A quiet week",
                "2025-06-03",
                "",
                "Nothing moved in the harbour.\n\n```rust\nlet quixotry = 1;\n```\n",
            ),
        ),
        (
            "content/pages/about.md",
            &md("title = \"About\"", "Who writes the harbour briefings.\n"),
        ),
        (
            "content/sources.toml",
            "[port-data]\ntitle = \"Port throughput tables\"\npublisher = \"Harbour Statistics Office\"\n",
        ),
    ])
}

#[test]
fn a_word_found_only_in_one_briefing_finds_it() {
    let s = fixture();
    let built = s.build().ok();
    let r = search(
        &built.out,
        &[
            ("xylophonic", Value::Null),
            ("XYLOPHONIC foghorn", Value::Null),
            ("xyloph", Value::Null),
            ("zygomorphic", Value::Null),
            ("quixotry", Value::Null),
            ("nonexistentword", Value::Null),
        ],
    );
    assert_eq!(urls(&r[0]), ["/briefings/ships/"], "{:#}", r[0]);
    let hit = &r[0]["results"][0];
    assert_eq!(hit["title"], "Ships wait at the harbour");
    assert_eq!(hit["kind"], "briefing");
    assert_eq!(hit["date"], "1 June 2025");
    assert_eq!(hit["tags"], serde_json::json!(["ports"]));
    assert_eq!(hit["marked"], serde_json::json!(["xylophonic"]));
    // Every word of a query must match; case does not matter.
    assert_eq!(urls(&r[1]), ["/briefings/ships/"]);
    // A word being typed matches the words it begins.
    assert_eq!(urls(&r[2]), ["/briefings/ships/"]);
    // Footnotes and code are text too.
    assert_eq!(urls(&r[3]), ["/briefings/magnets/"]);
    assert_eq!(urls(&r[4]), ["/briefings/quiet/"]);
    assert_eq!(r[5]["total"], 0);
}

#[test]
fn words_are_found_by_their_stem_and_filtered_and_sorted() {
    let s = fixture();
    let built = s.build().ok();
    let r = search(
        &built.out,
        &[
            // "tariff" is in one briefing, "tariffs" in the other.
            ("tariff", Value::Null),
            ("run", Value::Null),
            ("harbour", serde_json::json!({ "sort": "newest" })),
            (
                "harbour",
                serde_json::json!({ "filters": { "kind": ["page"] } }),
            ),
            (
                "harbour",
                serde_json::json!({ "filters": { "tag": "ports" } }),
            ),
            ("harbour statistics", Value::Null),
        ],
    );
    let mut tariff = urls(&r[0]);
    tariff.sort();
    assert_eq!(tariff, ["/briefings/magnets/", "/briefings/ships/"]);
    assert!(
        r[0]["results"][1]["marked"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m.as_str().unwrap().starts_with("tariff")),
        "{:#}",
        r[0]
    );
    // "running" (ships) and "ran" is not "run": stems, not synonyms.
    assert_eq!(urls(&r[1]), ["/briefings/ships/"]);
    // Newest first: briefings by date, then the undated pages.
    let mut newest = urls(&r[2]);
    assert_eq!(newest.len(), 4, "{newest:?}");
    assert_eq!(
        newest[..2],
        ["/briefings/quiet/".to_string(), "/briefings/ships/".into()]
    );
    newest[2..].sort();
    assert_eq!(newest[2..], ["/about/", "/sources/port-data/"]);
    assert_eq!(urls(&r[3]), ["/about/"]);
    assert_eq!(urls(&r[4]), ["/briefings/ships/"]);
    // The source page quotes the citing sentence and names its publisher.
    assert!(urls(&r[5]).contains(&"/sources/port-data/".to_string()));
}

#[test]
fn the_index_is_byte_identical_across_two_builds() {
    let s = fixture();
    let first = tree(&s.build().ok().out);
    let second = tree(&s.build().ok().out);
    let index: Vec<&String> = first
        .keys()
        .filter(|p| brief::search::is_index_path(p))
        .collect();
    assert!(index.len() > 8, "{index:?}");
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &first {
        assert!(&second[path] == bytes, "{path} differs between two builds");
    }
}

#[test]
fn the_browser_makes_the_same_words_and_stems_as_the_index() {
    // Words every step of the stemmer acts on, and random strings of the
    // letters its rules look at.
    let bases = [
        "run",
        "hop",
        "tariff",
        "generous",
        "commune",
        "arsenal",
        "cry",
        "happy",
        "agree",
        "feed",
        "bleed",
        "universe",
        "relate",
        "condition",
        "rational",
        "valence",
        "hesitance",
        "digitize",
        "conform",
        "radical",
        "sensitive",
        "adjust",
        "effect",
        "formal",
        "fulness",
        "sky",
        "dying",
        "news",
        "inning",
        "proceed",
        "say",
        "boy",
        "yes",
        "gas",
        "kiwi",
        "ties",
        "cries",
        "caress",
        "abyss",
        "gaps",
        "us",
        "a",
        "ab",
        "logi",
        "analogi",
        "fluentli",
        "carefulli",
        "hopelessli",
        "ski",
        "yoyo",
        "bayyes",
        "china's",
        "dogs'",
        "'tis",
    ];
    let suffixes = [
        "", "s", "es", "ies", "ied", "ed", "ing", "ingly", "edly", "eed", "eedly", "ly", "li",
        "er", "ers", "ation", "ational", "tional", "ization", "izer", "ator", "alism", "aliti",
        "alli", "fulness", "ousli", "ousness", "iveness", "iviti", "biliti", "bli", "ogi", "fulli",
        "lessli", "icate", "ative", "alize", "iciti", "ical", "ful", "ness", "al", "ance", "ence",
        "ic", "able", "ible", "ant", "ement", "ment", "ent", "ism", "ate", "iti", "ous", "ive",
        "ize", "ion", "sion", "tion", "e", "l", "ll", "y", "'s", "'", "'s'",
    ];
    let mut words: Vec<String> = Vec::new();
    for b in bases {
        for s in suffixes {
            words.push(format!("{b}{s}"));
        }
    }
    let letters: Vec<char> = "aeiouybcdgklmnrstwxz'".chars().collect();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..20_000 {
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let len = 1 + (next() % 11) as usize;
        words.push(
            (0..len)
                .map(|_| letters[(next() % letters.len() as u64) as usize])
                .collect(),
        );
    }
    let s = fixture();
    let built = s.build().ok();
    let stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
    let want: Vec<String> = words.iter().map(|w| stemmer.stem(w).into_owned()).collect();
    let got = node(
        &built.out,
        "out(input.map((w) => m.stemEnglish(w)));",
        &serde_json::json!(words),
    );
    let got: Vec<String> = serde_json::from_value(got).unwrap();
    let wrong: Vec<String> = words
        .iter()
        .zip(want.iter().zip(&got))
        .filter(|(_, (w, g))| w != g)
        .map(|(word, (w, g))| format!("{word}: Rust {w}, JS {g}"))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} differ: {:#?}",
        wrong.len(),
        &wrong[..wrong.len().min(40)]
    );

    // Words: the same tokenizer on text that tries its edges.
    let texts = [
        "China’s rare-earth EXPORTS fell 12% in 2025; 'quoted' don''t x86_64",
        "ΟΔΟΣ ΣΟΦΟΣ Straße Éire 東京タワー İstanbul ǅemal ﬁne",
        &format!("{} short {}", "a".repeat(64), "b".repeat(65)),
        "e\u{301}te\u{301} 𝐀𝐁𝐂 x\u{2019}y don\u{2019}t\u{2019} '' 1\u{2019}2",
    ];
    for text in texts {
        let mut rust = Vec::new();
        brief::search::text::words(text, |w| rust.push(w.to_string()));
        let js = node(
            &built.out,
            "out(m.words(input).map((w) => w.word));",
            &Value::from(text),
        );
        assert_eq!(js, serde_json::json!(rust), "words of {text:?}");
    }
}

#[test]
fn a_hundred_thousand_nested_list_items_index_in_linear_time() {
    // `- - - … x`: one list item inside the other, 100,000 deep (and half
    // that, to see the cost grow in proportion).
    let time = |depth: usize| {
        let body = format!("{}x\n", "- ".repeat(depth));
        let s = site(&[(
            "content/briefings/deep.md",
            &briefing("Deep", "2025-06-09", "", &body),
        )]);
        let start = Instant::now();
        let run = s.brief(&["build"]);
        let took = start.elapsed();
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let index = std::fs::read_to_string(s.path("public/search/index.json")).unwrap();
        assert!(index.contains("\"pages\":1"), "{index}");
        took
    };
    let half = time(50_000);
    let full = time(100_000);
    // Debug builds, on a shared machine: generous bounds. A release build
    // does 100,000 in well under a second (bench/README.md).
    assert!(full < Duration::from_secs(20), "100,000 deep took {full:?}");
    assert!(
        full.as_secs_f64() < 3.5 * half.as_secs_f64().max(0.05),
        "not linear: 50,000 deep took {half:?}, 100,000 took {full:?}"
    );
}

fn record(url: &str, title: &str, text: &str) -> Record {
    Record {
        url: url.into(),
        kind: Kind::Briefing,
        title: title.into(),
        date: Some(RecordDate {
            timestamp: 1_750_000_000,
            display: "15 June 2025".into(),
        }),
        tags: vec!["ports".into()],
        text: text.into(),
    }
}

/// Writes every file of the live index (as `serve` answers them) into
/// `dir`, so the client can read them.
fn dump(live: &Live, dir: &Path) {
    let get = |path: &str| match live.file(path, None) {
        LiveFile::Found(bytes) => bytes.to_vec(),
        other => panic!("{path}: {other:?}"),
    };
    let manifest: Value = serde_json::from_slice(&get("search/index.json")).unwrap();
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    files.insert("search/index.json".into(), get("search/index.json"));
    files.insert("search/engine.js".into(), get("search/engine.js"));
    for n in 0..manifest["shards"].as_array().unwrap().len() {
        let path = format!("search/terms/{n}.bin");
        files.insert(path.clone(), get(&path));
    }
    for id in 0..manifest["ids"].as_u64().unwrap() {
        let path = format!("search/docs/{id}.json");
        if let LiveFile::Found(bytes) = live.file(&path, None) {
            files.insert(path, bytes.to_vec());
        }
    }
    let _ = std::fs::remove_dir_all(dir.join("search"));
    for (path, bytes) in files {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, bytes).unwrap();
    }
}

#[test]
fn the_live_index_follows_edits_and_removals() {
    let dir = tempfile::tempdir().unwrap();
    let live = Live::start("/__brief/events");
    let mut pages: Vec<Record> = (0..50)
        .map(|i| {
            record(
                &format!("briefings/b{i}/"),
                &format!("Briefing {i}"),
                "The harbour was busy.",
            )
        })
        .collect();
    live.update(
        "en",
        pages.clone(),
        Some(pages.iter().map(|p| p.url.clone()).collect()),
    );
    dump(&live, dir.path());
    let r = search(
        dir.path(),
        &[("harbour", Value::Null), ("quokka", Value::Null)],
    );
    assert_eq!(r[0]["total"], 50);
    assert_eq!(r[1]["total"], 0);

    // An edit adds a word; only that page is sent.
    pages[7].text.push_str(" A quokka came ashore.");
    live.update("en", vec![pages[7].clone()], None);
    dump(&live, dir.path());
    let r = search(
        dir.path(),
        &[("quokka", Value::Null), ("harbour", Value::Null)],
    );
    assert_eq!(urls(&r[0]), ["/briefings/b7/"]);
    assert_eq!(r[1]["total"], 50);

    // A page that is gone leaves the index.
    let keep: Vec<String> = pages[8..].iter().map(|p| p.url.clone()).collect();
    live.update("en", Vec::new(), Some(keep));
    dump(&live, dir.path());
    let r = search(
        dir.path(),
        &[("quokka", Value::Null), ("harbour", Value::Null)],
    );
    assert_eq!(r[0]["total"], 0);
    assert_eq!(r[1]["total"], 42);

    // A file of another version is refused, so the client reloads.
    assert!(matches!(
        live.file("search/terms/0.bin", Some("v=live1")),
        LiveFile::Stale
    ));
}

#[test]
fn a_static_file_may_not_sit_in_the_search_index() {
    let s = fixture();
    s.write("static/search/engine.js", "// mine\n");
    let built = s.build();
    assert!(
        built
            .diags()
            .iter()
            .any(|d| d.contains("static/search/engine.js")
                && d.contains("where brief writes its search index")),
        "{:#?}",
        built.diags()
    );
}
