//! Option 1 of issue 18, measured: Pagefind fed the records brief makes at
//! render time (no HTML re-parsed), in one index or sharded over threads.
//!
//!     cargo run --release --example pagefind_records -- SITE [SHARDS] [OUT]
//!
//! Times record extraction, Pagefind's indexing (`add_custom_record`) and
//! its `get_files`, and, with OUT, writing the files. Kept only while the
//! options were compared (bench/README.md has the numbers).

use std::time::Instant;

use brief::render::{Job, Options, Renderer};
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = args
        .first()
        .expect("usage: pagefind_records SITE [SHARDS] [OUT]");
    let shards: usize = args.get(1).map_or(1, |s| s.parse().expect("SHARDS"));
    let out = args.get(2);
    let mut diags = Vec::new();
    let opts = brief::Options::new(root);
    let p = brief::prepare(&opts, &mut diags)
        .expect("a site")
        .expect("no errors");
    let renderer = Renderer::new(
        &p.site,
        &p.theme,
        p.statics,
        Options {
            preview: false,
            hash_assets: true,
        },
    );
    let t = Instant::now();
    let records: Vec<_> = renderer
        .jobs()
        .into_par_iter()
        .filter(|j: &Job| j.is_searchable())
        .filter_map(|j| renderer.search_record(j))
        .collect();
    eprintln!(
        "records: {} in {:.0} ms",
        records.len(),
        t.elapsed().as_secs_f64() * 1000.0
    );
    let t = Instant::now();
    let chunk = records.len().div_ceil(shards);
    let files: Vec<usize> = std::thread::scope(|s| {
        let handles: Vec<_> = records
            .chunks(chunk.max(1))
            .enumerate()
            .map(|(n, part)| {
                s.spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .build()
                        .unwrap();
                    runtime.block_on(async move {
                        let config = PagefindServiceConfig::builder()
                            .force_language("en".into())
                            .build();
                        let mut index = PagefindIndex::new(Some(config)).unwrap();
                        for r in part {
                            let meta = [("title".to_string(), r.title.clone())]
                                .into_iter()
                                .chain(r.date.iter().map(|d| ("date".into(), d.display.clone())))
                                .collect();
                            let filters = [
                                ("kind".to_string(), vec![r.kind.as_str().to_string()]),
                                ("tag".to_string(), r.tags.clone()),
                            ]
                            .into_iter()
                            .collect();
                            index
                                .add_custom_record(
                                    format!("/{}", r.url),
                                    format!("{}\n{}", r.title, r.text),
                                    "en".into(),
                                    Some(meta),
                                    Some(filters),
                                    None,
                                )
                                .await
                                .unwrap();
                        }
                        let files = index.get_files().await.unwrap();
                        if let Some(out) = out {
                            for f in &files {
                                let path = std::path::Path::new(out)
                                    .join(format!("shard{n}"))
                                    .join(&f.filename);
                                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                                std::fs::write(path, &f.contents).unwrap();
                            }
                        }
                        files.len()
                    })
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    eprintln!(
        "pagefind, {shards} shard(s): {files:?} files in {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
}
