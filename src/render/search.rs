//! What search finds of each page: its [`Record`], made from the site's
//! data as the page is rendered, never from its HTML. The index itself
//! is [`crate::search`].
//!
//! A record holds what the page shows a reader, less navigation and
//! reference lists: for a briefing or a standalone page its title, summary
//! and body text; for a source its title, publisher, note, the sentences
//! that cite it and the explainer points resting on it; for the explainer
//! its introduction and every point.

use super::{Job, Renderer};
use crate::date::PubDate;
use crate::parse::markdown::inline_plain;
use crate::resolve::DocRef;
use crate::search::{Kind, Record, RecordDate};

fn date(d: PubDate) -> RecordDate {
    RecordDate {
        timestamp: d.instant.timestamp(),
        display: d.display(),
    }
}

/// Appends `part` to `text` as a block of its own.
fn block(text: &mut String, part: &str) {
    let part = part.trim();
    if part.is_empty() {
        return;
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(part);
}

impl Renderer<'_> {
    /// The search record of a page worth finding ([`Job::is_searchable`]).
    pub fn search_record(&self, job: Job) -> Option<Record> {
        let site = self.site;
        let url = self.search_url(job);
        let record = match job {
            Job::Briefing(i) => {
                let b = &site.briefings[i];
                let mut text = String::new();
                block(&mut text, &b.summary);
                block(&mut text, &b.body.text.unpack());
                Record {
                    url,
                    kind: Kind::Briefing,
                    title: b.title.clone(),
                    date: Some(date(b.date)),
                    tags: b.tags.iter().map(|t| t.name.clone()).collect(),
                    text,
                }
            }
            Job::Page(i) => {
                let p = &site.pages[i];
                let mut text = String::new();
                block(&mut text, &p.summary);
                block(&mut text, &p.body.text.unpack());
                Record {
                    url,
                    kind: Kind::Page,
                    title: p.title.clone(),
                    date: None,
                    tags: Vec::new(),
                    text,
                }
            }
            Job::Source(i) => {
                let s = &site.registry.sources[i];
                let mut text = String::new();
                block(&mut text, &s.publisher);
                if let Some(note) = &s.note {
                    block(&mut text, note);
                }
                for c in &site.cited_by[i] {
                    let title = match c.doc {
                        DocRef::Briefing(b) => &site.briefings[b].title,
                        DocRef::Page(p) => &site.pages[p].title,
                        DocRef::Explainer => &self.explainer_title(),
                    };
                    block(&mut text, title);
                    for u in &site.body(c.doc).citations[c.cited].uses {
                        block(&mut text, &u.context);
                    }
                }
                for p in self.source_points(&s.id) {
                    block(&mut text, &p.text_plain);
                }
                Record {
                    url,
                    kind: Kind::Source,
                    title: s.title.clone(),
                    date: s.published.map(date),
                    tags: Vec::new(),
                    text,
                }
            }
            Job::Explainer => {
                let mut text = String::new();
                if let Some(e) = &site.explainer {
                    block(&mut text, &e.summary);
                    block(&mut text, &e.body.text.unpack());
                }
                for p in &site.deal.points {
                    block(&mut text, &inline_plain(&p.current().text));
                }
                Record {
                    url,
                    kind: Kind::Explainer,
                    title: self.explainer_title(),
                    date: site.briefings.first().map(|b| date(b.date)),
                    tags: Vec::new(),
                    text,
                }
            }
            _ => return None,
        };
        Some(record)
    }
}
