//! Publication dates: a TOML date or an RFC 3339 date-time with offset;
//! and an event's [`When`], which may be only a month.
//!
//! In: a TOML datetime. Out: a [`PubDate`], shown as `9 June 2025`, written
//! as `2025-06-09` or RFC 3339 in feeds.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Utc};
use toml::value::{Datetime, Offset};

/// When something was published: a day, or an instant with its offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PubDate {
    /// The instant; a bare day is taken as its midnight UTC.
    pub instant: DateTime<FixedOffset>,
    /// False when only a day was given, so no time is shown or implied.
    pub has_time: bool,
}

/// Why a TOML value is not a usable date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// A time without a date.
    TimeOnly,
    /// A date-time without an offset: ambiguous.
    NoOffset,
    /// Out of range for the calendar.
    Invalid,
}

impl DateError {
    pub fn help(&self) -> &'static str {
        match self {
            DateError::TimeOnly => "give a date, e.g. `2025-06-09`",
            DateError::NoOffset => {
                "add an offset, e.g. `2025-06-09T14:30:00Z` or `2025-06-09T14:30:00+01:00`, or give only the day"
            }
            DateError::Invalid => "give a real calendar date, e.g. `2025-06-09`",
        }
    }

    pub fn message(&self) -> &'static str {
        match self {
            DateError::TimeOnly => "a time without a date",
            DateError::NoOffset => "a date-time without a UTC offset",
            DateError::Invalid => "not a valid date",
        }
    }
}

impl PubDate {
    pub fn from_toml(value: &Datetime) -> Result<PubDate, DateError> {
        let Some(d) = value.date else {
            return Err(DateError::TimeOnly);
        };
        let day = NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())
            .ok_or(DateError::Invalid)?;
        let Some(t) = value.time else {
            let instant =
                Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).ok_or(DateError::Invalid)?);
            return Ok(PubDate {
                instant: instant.fixed_offset(),
                has_time: false,
            });
        };
        let offset_minutes = match value.offset {
            None => return Err(DateError::NoOffset),
            Some(Offset::Z) => 0,
            Some(Offset::Custom { minutes }) => i32::from(minutes),
        };
        let offset = FixedOffset::east_opt(offset_minutes * 60).ok_or(DateError::Invalid)?;
        let naive = day
            .and_hms_nano_opt(
                t.hour.into(),
                t.minute.into(),
                t.second.unwrap_or(0).into(),
                t.nanosecond.unwrap_or(0),
            )
            .ok_or(DateError::Invalid)?;
        let instant = offset
            .from_local_datetime(&naive)
            .single()
            .ok_or(DateError::Invalid)?;
        Ok(PubDate {
            instant,
            has_time: true,
        })
    }

    /// A bare day, e.g. for tests and `brief new`.
    pub fn day(year: i32, month: u32, day: u32) -> Option<PubDate> {
        let naive = NaiveDate::from_ymd_opt(year, month, day)?.and_hms_opt(0, 0, 0)?;
        Some(PubDate {
            instant: Utc.from_utc_datetime(&naive).fixed_offset(),
            has_time: false,
        })
    }

    /// `2025-06-09`, in the date's own offset.
    pub fn ymd(&self) -> String {
        self.instant.format("%Y-%m-%d").to_string()
    }

    /// The calendar day, in the date's own offset.
    pub fn calendar_day(&self) -> NaiveDate {
        self.instant.date_naive()
    }

    /// `9 June 2025`.
    pub fn display(&self) -> String {
        format!("{} {}", self.instant.day(), self.instant.format("%B %Y"))
    }

    /// RFC 3339, for feeds, sitemaps and JSON-LD.
    pub fn rfc3339(&self) -> String {
        self.instant
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }

    /// `YYYY-MM`, and its human form `June 2025`.
    pub fn month(&self) -> (String, String) {
        (
            self.instant.format("%Y-%m").to_string(),
            self.instant.format("%B %Y").to_string(),
        )
    }

    pub fn year(&self) -> i32 {
        self.instant.year()
    }

    pub fn is_after(&self, now: DateTime<Utc>) -> bool {
        self.instant > now
    }
}

/// When an event happened, as precisely as its sources say: a day (or an
/// instant), or only the month (`date = "2025-05"` in an `[[event]]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum When {
    Day(PubDate),
    Month { year: i32, month: u32 },
}

impl When {
    /// A month written `YYYY-MM`; `None` for anything else.
    pub fn month_of(text: &str) -> Option<When> {
        let (year, month) = text.split_once('-')?;
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if year.len() != 4 || month.len() != 2 || !all_digits(year) || !all_digits(month) {
            return None;
        }
        let (year, month) = (year.parse().ok()?, month.parse().ok()?);
        NaiveDate::from_ymd_opt(year, month, 1)?;
        Some(When::Month { year, month })
    }

    /// `(year, month)`, in the date's own offset.
    fn year_month(&self) -> (i32, u32) {
        match *self {
            When::Day(d) => (d.instant.year(), d.instant.month()),
            When::Month { year, month } => (year, month),
        }
    }

    fn first_day(&self) -> NaiveDate {
        let (year, month) = self.year_month();
        NaiveDate::from_ymd_opt(year, month, 1).expect("a checked month")
    }

    /// `2025-06-09`, or `2025-05`: both valid in `<time datetime>`.
    pub fn ymd(&self) -> String {
        match self {
            When::Day(d) => d.ymd(),
            When::Month { .. } => self.first_day().format("%Y-%m").to_string(),
        }
    }

    /// `9 June 2025`, or `May 2025`.
    pub fn display(&self) -> String {
        match self {
            When::Day(d) => d.display(),
            When::Month { .. } => self.first_day().format("%B %Y").to_string(),
        }
    }

    /// `YYYY-MM`, and its human form `June 2025`.
    pub fn month(&self) -> (String, String) {
        let first = self.first_day();
        (
            first.format("%Y-%m").to_string(),
            first.format("%B %Y").to_string(),
        )
    }

    /// Whether all of it lies after `day`: a month, only if it starts later.
    pub fn starts_after(&self, day: NaiveDate) -> bool {
        match self {
            When::Day(d) => d.calendar_day() > day,
            When::Month { .. } => self.first_day() > day,
        }
    }

    /// Whether all of it lies before `day`: a month, only once it is over.
    pub fn is_before(&self, day: NaiveDate) -> bool {
        match self {
            When::Day(d) => d.calendar_day() < day,
            When::Month { .. } => self.year_month() < (day.year(), day.month()),
        }
    }
}

/// Oldest first; a month before the days in it (what is known of it only
/// as "May" comes first in May).
impl Ord for When {
    fn cmp(&self, other: &When) -> std::cmp::Ordering {
        let rank = |w: &When| match w {
            When::Month { .. } => None,
            When::Day(d) => Some(*d),
        };
        self.year_month()
            .cmp(&other.year_month())
            .then_with(|| rank(self).cmp(&rank(other)))
    }
}

impl PartialOrd for When {
    fn partial_cmp(&self, other: &When) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<PubDate, DateError> {
        PubDate::from_toml(&s.parse::<Datetime>().unwrap())
    }

    #[test]
    fn day_and_datetime() {
        let d = parse("2025-06-09").unwrap();
        assert_eq!(
            (d.ymd(), d.display(), d.rfc3339()),
            (
                "2025-06-09".into(),
                "9 June 2025".into(),
                "2025-06-09T00:00:00Z".into()
            )
        );
        let t = parse("2025-06-09T23:30:00-04:00").unwrap();
        assert_eq!(t.ymd(), "2025-06-09");
        assert_eq!(t.rfc3339(), "2025-06-09T23:30:00-04:00");
        assert!(t > d);
    }

    #[test]
    fn a_month_is_shown_and_ordered_as_a_month() {
        let may = When::month_of("2025-05").unwrap();
        assert_eq!(
            (may.ymd(), may.display(), may.month()),
            (
                "2025-05".into(),
                "May 2025".into(),
                ("2025-05".into(), "May 2025".into())
            )
        );
        let day = |s| When::Day(parse(s).unwrap());
        let mut all = [
            day("2025-06-01"),
            day("2025-05-31"),
            When::month_of("2025-06").unwrap(),
            day("2025-05-01"),
            may,
        ];
        all.sort();
        let shown: Vec<String> = all.iter().map(When::ymd).collect();
        assert_eq!(
            shown,
            [
                "2025-05",
                "2025-05-01",
                "2025-05-31",
                "2025-06",
                "2025-06-01"
            ]
        );
        let june_1 = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        assert!(may.is_before(june_1));
        assert!(!When::month_of("2025-06").unwrap().is_before(june_1));
        assert!(day("2025-05-31").is_before(june_1));
        assert!(!day("2025-06-01").is_before(june_1));
    }

    #[test]
    fn only_a_real_month_written_yyyy_mm_is_a_month() {
        for bad in [
            "2025-13",
            "2025-00",
            "2025-5",
            "25-05",
            "2025-05-01",
            "May 2025",
            "2025",
            "",
            "+025-05",
            "2025-0x",
        ] {
            assert_eq!(When::month_of(bad), None, "{bad:?}");
        }
        assert_eq!(
            When::month_of("0001-01"),
            Some(When::Month { year: 1, month: 1 })
        );
    }

    #[test]
    fn rejects_ambiguous() {
        assert_eq!(parse("2025-06-09T10:00:00"), Err(DateError::NoOffset));
        assert_eq!(parse("10:00:00"), Err(DateError::TimeOnly));
    }
}
