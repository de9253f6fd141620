//! The explainer as it stood at the end of each day on which it changed:
//! one [`Snapshot`] per day on which a briefing added, revised, moved,
//! withdrew or reinstated a point.
//!
//! In: the resolved [`Deal`] and the briefings it names. Out: the
//! snapshots, oldest first. A day is a briefing's date as written (its
//! `YYYY-MM-DD`, in its own offset); the explainer "at the end of" a day
//! holds, for each point, its newest version from a briefing of that day or
//! before: exactly what the explainer of a site holding only those
//! briefings would show.

use std::sync::Arc;

use super::deal::Deal;
use crate::date::PubDate;
use crate::parse::Briefing;

/// The explainer at the end of one day.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Snapshot {
    /// `YYYY-MM-DD`: the page is `/explainer/<day>/`.
    pub day: String,
    /// The day itself, for display.
    pub date: PubDate,
    /// For each point of [`Deal::points`], the index of its version in
    /// force at the end of the day; `None` if not stated yet.
    pub versions: Vec<Option<usize>>,
    /// Indices into [`Deal::changes`] made that day.
    pub changes: Vec<usize>,
}

/// The day of a point's version: its briefing's date as written.
pub fn day_of(briefings: &[Arc<Briefing>], briefing: usize) -> String {
    briefings[briefing].date.ymd()
}

/// Every snapshot of the deal, oldest first.
pub fn resolve(deal: &Deal, briefings: &[Arc<Briefing>]) -> Vec<Snapshot> {
    let mut days: Vec<(String, usize)> = deal
        .changes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let v = &deal.points[c.point].versions[c.version];
            (day_of(briefings, v.briefing), i)
        })
        .collect();
    days.sort();
    let mut snapshots: Vec<Snapshot> = Vec::new();
    for (day, change) in days {
        if let Some(last) = snapshots.last_mut().filter(|s| s.day == day) {
            last.changes.push(change);
            continue;
        }
        let versions = deal
            .points
            .iter()
            .map(|p| {
                p.versions
                    .iter()
                    .rposition(|v| day_of(briefings, v.briefing) <= day)
            })
            .collect();
        let date = parse_day(&day).unwrap_or_else(|| briefings[0].date);
        snapshots.push(Snapshot {
            day,
            date,
            versions,
            changes: vec![change],
        });
    }
    snapshots
}

fn parse_day(day: &str) -> Option<PubDate> {
    let mut parts = day.split('-').map(|p| p.parse::<u32>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    PubDate::day(y as i32, m, d)
}
