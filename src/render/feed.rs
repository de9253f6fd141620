//! The feeds and the sitemap: `/atom.xml`, each tag's `atom.xml` (the
//! explainer's is in `explainer.rs`, built with [`Renderer::feed_document`]),
//! `/sitemap.xml` and `/robots.txt`. Renderers and keys side by side.

use serde::Serialize;
use tera::Context;

use super::context::*;
use super::keys::KeyParts;
use super::{FEED_ENTRIES, Renderer};
use crate::diag::Diagnostic;
use crate::fingerprint::hash_of;

impl Renderer<'_> {
    /// `/atom.xml`: the newest briefings, in full.
    pub(super) fn site_feed(&self) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let all: Vec<usize> = (0..site.briefings.len().min(FEED_ENTRIES)).collect();
        self.feed(&site.config.title, "", &all)
    }

    /// The content of the newest briefings.
    pub(super) fn site_feed_key(&self, parts: &KeyParts) -> u64 {
        let g = parts.global;
        hash_of((g, "feed", self.feed_key(&self.newest_first)))
    }

    /// `/tags/<tag>/atom.xml`.
    pub(super) fn tag_feed(&self, t: usize) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let tag = &site.tags[t];
        let prefix = format!("tags/{}/", tag.slug);
        let title = format!("{} — {}", tag.name, site.config.title);
        self.feed(&title, &prefix, &tag.briefings)
    }

    /// The tag and the content of its newest briefings.
    pub(super) fn tag_feed_key(&self, t: usize, parts: &KeyParts) -> u64 {
        let site = self.site;
        let g = parts.global;
        let tag = &site.tags[t];
        hash_of((
            g,
            "tag-feed",
            &tag.name,
            &tag.slug,
            self.feed_key(&tag.briefings),
        ))
    }

    /// `/sitemap.xml`: every page, with its last change where known.
    pub(super) fn sitemap(&self) -> Result<Vec<u8>, Diagnostic> {
        let mut ctx = Context::new();
        ctx.insert("entries", &self.sitemap_entries());
        self.template("sitemap.xml", &ctx)
    }

    /// Every URL and date the sitemap lists.
    pub(super) fn sitemap_key(&self, parts: &KeyParts) -> u64 {
        let site = self.site;
        let g = parts.global;
        let briefings: Vec<_> = site
            .briefings
            .iter()
            .map(|b| (&b.slug, b.date, b.modified()))
            .collect();
        let tags: Vec<_> = site
            .tags
            .iter()
            .map(|t| {
                (
                    &t.slug,
                    t.briefings.first().map(|&i| site.briefings[i].date),
                )
            })
            .collect();
        let sources: Vec<&str> = site.registry.ids().collect();
        let pages: Vec<&str> = site.pages.iter().map(|p| p.slug.as_str()).collect();
        let authors: Vec<_> = site
            .authors
            .iter()
            .map(|a| (&a.author.id, a.briefings.first()))
            .collect();
        let corrected = site
            .corrections
            .first()
            .map(|&(b, c)| site.briefings[b].corrections[c].date);
        let snapshots: Vec<&str> = site.snapshots.iter().map(|s| s.day.as_str()).collect();
        hash_of((
            g,
            "sitemap",
            briefings,
            tags,
            sources,
            pages,
            site.has_explainer(),
            (authors, corrected),
            snapshots,
            site.has_timeline(),
        ))
    }

    /// `/robots.txt`, naming the sitemap.
    pub(super) fn robots(&self) -> Result<Vec<u8>, Diagnostic> {
        let base = &self.site.config.base_url;
        let mut ctx = Context::new();
        ctx.insert("sitemap_url", &base.url("sitemap.xml"));
        self.template("robots.txt", &ctx)
    }

    pub(super) fn feed(
        &self,
        title: &str,
        prefix: &str,
        items: &[usize],
    ) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let entries: Vec<FeedEntry> = items
            .iter()
            .take(FEED_ENTRIES)
            .map(|&i| {
                let b = &site.briefings[i];
                let s = &self.summaries[i];
                FeedEntry {
                    title: b.title.clone(),
                    id: s.url.clone(),
                    url: s.url.clone(),
                    published: b.date.rfc3339(),
                    updated: b.modified().rfc3339(),
                    authors: if s.authors.is_empty() {
                        vec![site.config.title.clone()]
                    } else {
                        s.authors.iter().map(|a| a.name.clone()).collect()
                    },
                    categories: s.tags.clone(),
                    summary: b.summary.clone(),
                    content: self.body_html(&b.body),
                }
            })
            .collect();
        self.feed_document(title, prefix, entries)
    }

    /// An Atom feed at `<prefix>atom.xml` for the page at `prefix`.
    pub(super) fn feed_document(
        &self,
        title: &str,
        prefix: &str,
        entries: Vec<FeedEntry>,
    ) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let base = &site.config.base_url;
        let updated = entries
            .iter()
            .filter_map(|e| chrono::DateTime::parse_from_rfc3339(&e.updated).ok())
            .max()
            .map_or_else(
                // A feed with no entries yet (the explainer before any point
                // changes) is as new as the site's newest briefing, so two
                // builds of the same content are the same bytes.
                || {
                    site.briefings.first().map_or_else(
                        || site.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                        |b| b.updated.unwrap_or(b.date).rfc3339(),
                    )
                },
                |d| d.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            );
        let feed = Feed {
            title: title.to_string(),
            subtitle: if prefix.is_empty() {
                site.config.description.clone()
            } else {
                String::new()
            },
            id: base.url(&format!("{prefix}atom.xml")),
            self_url: base.url(&format!("{prefix}atom.xml")),
            alternate_url: base.url(prefix),
            updated,
            entries,
        };
        let mut ctx = Context::new();
        ctx.insert("site", &self.site_context);
        ctx.insert("feed", &feed);
        self.template("atom.xml", &ctx)
    }

    fn sitemap_entries(&self) -> Vec<SitemapEntry> {
        let site = self.site;
        let base = &site.config.base_url;
        let newest = site.briefings.first().map(|b| b.modified().ymd());
        let mut entries = vec![
            SitemapEntry {
                url: base.url(""),
                lastmod: newest.clone(),
            },
            SitemapEntry {
                url: base.url("briefings/"),
                lastmod: newest.clone(),
            },
            SitemapEntry {
                url: base.url("tags/"),
                lastmod: newest,
            },
        ];
        entries.extend(
            site.briefings
                .iter()
                .zip(&self.summaries)
                .map(|(b, s)| SitemapEntry {
                    url: s.url.clone(),
                    lastmod: Some(b.modified().ymd()),
                }),
        );
        entries.extend(site.tags.iter().map(|t| SitemapEntry {
            url: base.url(&format!("tags/{}/", t.slug)),
            lastmod: t.briefings.first().map(|&i| site.briefings[i].date.ymd()),
        }));
        if site.has_explainer() {
            entries.push(SitemapEntry {
                url: base.url("explainer/"),
                lastmod: site.briefings.first().map(|b| b.date.ymd()),
            });
        }
        // A snapshot's lists are fixed, but its comparison with today is not.
        entries.extend(site.snapshots.iter().map(|s| SitemapEntry {
            url: base.url(&format!("explainer/{}/", s.day)),
            lastmod: None,
        }));
        if site.has_timeline() {
            entries.push(SitemapEntry {
                url: base.url("timeline/"),
                lastmod: site.briefings.first().map(|b| b.date.ymd()),
            });
        }
        entries.push(SitemapEntry {
            url: base.url("sources/"),
            lastmod: None,
        });
        entries.extend(site.registry.sources.iter().map(|src| SitemapEntry {
            url: base.url(&format!("sources/{}/", src.id)),
            lastmod: None,
        }));
        entries.extend(site.pages.iter().map(|p| SitemapEntry {
            url: base.url(&format!("{}/", p.slug)),
            lastmod: None,
        }));
        if !site.authors.is_empty() {
            entries.push(SitemapEntry {
                url: base.url("authors/"),
                lastmod: None,
            });
        }
        entries.extend(site.authors.iter().map(|a| {
            SitemapEntry {
                url: base.url(&format!("authors/{}/", a.author.id)),
                lastmod: a
                    .briefings
                    .first()
                    .map(|&i| site.briefings[i].modified().ymd()),
            }
        }));
        if let Some(&(b, c)) = site.corrections.first() {
            entries.push(SitemapEntry {
                url: base.url("corrections/"),
                lastmod: Some(site.briefings[b].corrections[c].date.ymd()),
            });
        }
        entries
    }
}

#[derive(Serialize)]
struct Feed {
    title: String,
    subtitle: String,
    id: String,
    self_url: String,
    alternate_url: String,
    updated: String,
    entries: Vec<FeedEntry>,
}

#[derive(Serialize)]
pub(super) struct FeedEntry {
    pub(super) title: String,
    pub(super) id: String,
    pub(super) url: String,
    pub(super) published: String,
    pub(super) updated: String,
    /// Names for `<author>`: the byline, else the site's title.
    pub(super) authors: Vec<String>,
    pub(super) categories: Vec<TagRef>,
    pub(super) summary: String,
    pub(super) content: String,
}

#[derive(Serialize)]
struct SitemapEntry {
    url: String,
    lastmod: Option<String>,
}
