//! The lists: the home page and its pages, the archive, `/tags/` and
//! each tag's pages. Each job's renderer and its key sit side by side: the
//! key hashes exactly what the renderer reads.

use super::context::*;
use super::keys::KeyParts;
use super::{Renderer, pages_for};
use crate::diag::Diagnostic;
use crate::fingerprint::hash_of;

impl Renderer<'_> {
    /// `/` and `/page/N/`: the newest briefings, and the deal in brief.
    pub(super) fn home(&self, n: usize) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let paginator = self.paginator(&self.newest_first, n, "");
        let title = if n == 1 {
            site.config.title.clone()
        } else {
            format!("Page {n} — {}", site.config.title)
        };
        let path = if n == 1 {
            String::new()
        } else {
            format!("page/{n}/")
        };
        let mut ctx = self.context(&path, title, site.config.description.clone(), "home", None);
        ctx.insert("paginator", &paginator);
        if n == 1 {
            ctx.insert("deal", &self.deal_brief());
            ctx.insert("timeline", &self.timeline_brief());
        }
        self.template("index.html", &ctx)
    }

    /// The home page shows a page of summaries, and page 1 the deal and
    /// the newest events.
    pub(super) fn home_key(&self, n: usize, parts: &KeyParts) -> u64 {
        let g = parts.global;
        let (deal, events) = if n == 1 {
            (parts.deal, parts.timeline.recent)
        } else {
            (0, 0)
        };
        hash_of((
            g,
            "home",
            n,
            self.list_key(&self.newest_first, n),
            deal,
            events,
        ))
    }

    /// `/briefings/`: every briefing, by month.
    pub(super) fn archive(&self) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let mut months: Vec<ArchiveMonth> = Vec::new();
        for (b, s) in site.briefings.iter().zip(&self.summaries) {
            let (id, label) = b.date.month();
            match months.last_mut() {
                Some(m) if m.id.strip_prefix("m-") == Some(id.as_str()) => {
                    m.briefings.push(s.clone())
                }
                _ => months.push(ArchiveMonth {
                    id: format!("m-{id}"),
                    label,
                    briefings: vec![s.clone()],
                }),
            }
        }
        let mut ctx = self.context(
            "briefings/",
            format!("Archive — {}", site.config.title),
            format!("Every briefing of {}, by month.", site.config.title),
            "archive",
            None,
        );
        ctx.insert("months", &months);
        ctx.insert("total", &site.briefings.len());
        self.template("archive.html", &ctx)
    }

    /// Every summary, in order.
    pub(super) fn archive_key(&self, parts: &KeyParts) -> u64 {
        let site = self.site;
        let g = parts.global;
        hash_of((
            g,
            "archive",
            (0..site.briefings.len())
                .map(|i| self.summary_key(i))
                .collect::<Vec<_>>(),
        ))
    }

    /// `/tags/`: every tag with its count.
    pub(super) fn tags(&self) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let tags: Vec<TagContext> = (0..site.tags.len()).map(|t| self.tag_context(t)).collect();
        let mut ctx = self.context(
            "tags/",
            format!("Tags — {}", site.config.title),
            format!("Every tag of {}.", site.config.title),
            "tags",
            None,
        );
        ctx.insert("tags", &tags);
        self.template("tags.html", &ctx)
    }

    /// Every tag's name, slug and count.
    pub(super) fn tags_key(&self, parts: &KeyParts) -> u64 {
        let site = self.site;
        let g = parts.global;
        hash_of((
            g,
            "tags",
            site.tags
                .iter()
                .map(|t| (&t.name, &t.slug, t.briefings.len()))
                .collect::<Vec<_>>(),
        ))
    }

    /// A tag's page `n`.
    pub(super) fn tag(&self, t: usize, n: usize) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let tag = &site.tags[t];
        let tag_ctx = self.tag_context(t);
        let prefix = format!("tags/{}/", tag.slug);
        let paginator = self.paginator(&tag.briefings, n, &prefix);
        let path = if n == 1 {
            prefix.clone()
        } else {
            format!("{prefix}page/{n}/")
        };
        let title = if n == 1 {
            format!("{} — {}", tag.name, site.config.title)
        } else {
            format!("{} (page {n}) — {}", tag.name, site.config.title)
        };
        let description = format!("Briefings tagged “{}”.", tag.name);
        let mut ctx = self.context(
            &path,
            title,
            description,
            "tag",
            Some(tag_ctx.feed_url.clone()),
        );
        ctx.insert("tag", &tag_ctx);
        ctx.insert("paginator", &paginator);
        self.template("tag.html", &ctx)
    }

    /// The tag and its page of summaries.
    pub(super) fn tag_key(&self, t: usize, n: usize, parts: &KeyParts) -> u64 {
        let site = self.site;
        let g = parts.global;
        let tag = &site.tags[t];
        hash_of((
            g,
            "tag",
            &tag.name,
            &tag.slug,
            n,
            self.list_key(&tag.briefings, n),
        ))
    }

    fn tag_context(&self, t: usize) -> TagContext {
        let tag = &self.site.tags[t];
        let base = &self.site.config.base_url;
        TagContext {
            name: tag.name.clone(),
            slug: tag.slug.clone(),
            path: base.path(&format!("tags/{}/", tag.slug)),
            feed_url: base.url(&format!("tags/{}/atom.xml", tag.slug)),
            count: tag.briefings.len(),
        }
    }

    /// Page `n` of `items` (briefing indices); `prefix` is the list's own path.
    pub(super) fn paginator(&self, items: &[usize], n: usize, prefix: &str) -> Paginator {
        let per = self.site.config.paginate_by;
        let total_pages = pages_for(items.len(), per);
        let base = &self.site.config.base_url;
        let page_path = |k: usize| {
            if k == 1 {
                base.path(prefix)
            } else {
                base.path(&format!("{prefix}page/{k}/"))
            }
        };
        Paginator {
            current: n,
            total_pages,
            total_items: items.len(),
            items: items
                .iter()
                .skip((n - 1) * per)
                .take(per)
                .map(|&i| self.summaries[i].clone())
                .collect(),
            prev_path: (n > 1).then(|| page_path(n - 1)),
            next_path: (n < total_pages).then(|| page_path(n + 1)),
            pages: pager_window(n, total_pages)
                .into_iter()
                .scan(0, |last, k| {
                    let link = PagerLink {
                        number: k,
                        path: page_path(k),
                        current: k == n,
                        gap_before: k > *last + 1,
                    };
                    *last = k;
                    Some(link)
                })
                .collect(),
        }
    }
}

/// The page numbers a pager shows: first, last, and two either side of `n`.
fn pager_window(n: usize, total: usize) -> Vec<usize> {
    let mut pages: Vec<usize> = [1, total]
        .into_iter()
        .chain(n.saturating_sub(2).max(1)..=(n + 2).min(total))
        .collect();
    pages.sort_unstable();
    pages.dedup();
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_window_stays_small() {
        assert_eq!(pager_window(1, 1), [1]);
        assert_eq!(pager_window(1, 3), [1, 2, 3]);
        assert_eq!(pager_window(500, 1000), [1, 498, 499, 500, 501, 502, 1000]);
        assert_eq!(pager_window(2, 1000), [1, 2, 3, 4, 1000]);
    }
}
