//! Publication dates: a TOML date or an RFC 3339 date-time with offset.
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
    fn rejects_ambiguous() {
        assert_eq!(parse("2025-06-09T10:00:00"), Err(DateError::NoOffset));
        assert_eq!(parse("10:00:00"), Err(DateError::TimeOnly));
    }
}
