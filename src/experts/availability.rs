//! When a service may be booked: weekly windows of local time in one IANA time zone,
//! and the one rule a booking must meet ([`check`]).
//!
//! The rule: every moment of the booking, read on the clock of the service's zone, falls
//! on the local day the booking starts (it may end at 24:00 of that day) and inside a
//! window of that weekday. Instants are converted to local time one by one, so offsets
//! that change with the seasons (DST) are followed: the booking is split where the zone's
//! offset changes and each continuous piece must fit a window. A service without windows
//! can be booked at any time.
//!
//! Stored in `expert_services.availability` (jsonb) as
//! `{"timeZone": "Asia/Tokyo", "weekly": [{"day": "mon", "from": "09:00", "to": "17:00"}]}`,
//! or `{}` for any time.

use std::fmt::Write as _;

use async_graphql::{Enum, InputObject, SimpleObject};
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Most windows one service may declare.
const MAX_WINDOWS: usize = 50;

/// A day of the week.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Weekday {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

crate::stored_as_text!(Weekday {
    Monday => "mon",
    Tuesday => "tue",
    Wednesday => "wed",
    Thursday => "thu",
    Friday => "fri",
    Saturday => "sat",
    Sunday => "sun",
});

impl From<chrono::Weekday> for Weekday {
    fn from(day: chrono::Weekday) -> Self {
        match day {
            chrono::Weekday::Mon => Weekday::Monday,
            chrono::Weekday::Tue => Weekday::Tuesday,
            chrono::Weekday::Wed => Weekday::Wednesday,
            chrono::Weekday::Thu => Weekday::Thursday,
            chrono::Weekday::Fri => Weekday::Friday,
            chrono::Weekday::Sat => Weekday::Saturday,
            chrono::Weekday::Sun => Weekday::Sunday,
        }
    }
}

impl Weekday {
    fn name(self) -> &'static str {
        match self {
            Weekday::Monday => "Monday",
            Weekday::Tuesday => "Tuesday",
            Weekday::Wednesday => "Wednesday",
            Weekday::Thursday => "Thursday",
            Weekday::Friday => "Friday",
            Weekday::Saturday => "Saturday",
            Weekday::Sunday => "Sunday",
        }
    }
}

/// When a service may be booked, in the expert's time zone. Without `weekly` windows
/// (or without availability at all) the service can be booked at any time.
#[derive(InputObject)]
pub struct ServiceAvailabilityInput {
    /// IANA time zone the hours are in, e.g. `Europe/Paris` or `Asia/Tokyo`.
    pub time_zone: String,
    /// The windows of each week (at most 50); windows of one day that overlap or touch
    /// are merged. An empty list means any time.
    pub weekly: Vec<WeeklyHoursInput>,
}

/// A window of local time on one day of every week.
#[derive(InputObject)]
pub struct WeeklyHoursInput {
    /// The day.
    pub day: Weekday,
    /// Start, `HH:MM` from `00:00` to `23:59`.
    pub from: String,
    /// End, `HH:MM` after `from`; `24:00` is the end of the day.
    pub to: String,
}

/// When a service may be booked: a booking must lie, on the clock of `timeZone`, within
/// one window of the day it starts on.
#[derive(SimpleObject)]
pub(crate) struct ServiceAvailability {
    /// IANA time zone the hours are in, e.g. `Europe/Paris`.
    time_zone: String,
    /// The windows of each week, by day then start.
    weekly: Vec<WeeklyHours>,
}

/// A window of local time on one day of every week.
#[derive(SimpleObject)]
pub(crate) struct WeeklyHours {
    /// The day.
    day: Weekday,
    /// Start, `HH:MM`.
    from: String,
    /// End, `HH:MM` (`24:00` is the end of the day).
    to: String,
}

/// A service's availability, checked: a known zone and sorted, merged windows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Stored", into = "Stored")]
pub(crate) enum Availability {
    /// No windows: bookable at any time.
    Any,
    /// Bookable within these windows of local time in `zone`.
    Weekly { zone: Tz, windows: Vec<Window> },
}

/// A window of local time: minutes after midnight, `from < to <= 1440`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Window {
    day: Weekday,
    from: u16,
    to: u16,
}

const DAY_MINUTES: u16 = 24 * 60;

impl Availability {
    /// Checks an availability given as a zone name and `(day, from, to)` windows;
    /// `field` names it in error messages.
    fn parse<'a>(
        field: &str,
        zone: &str,
        windows: impl ExactSizeIterator<Item = (Weekday, &'a str, &'a str)>,
    ) -> Result<Self, String> {
        let zone: Tz = zone.trim().parse().map_err(|_| {
            format!("{field}.timeZone: {zone:?} is not an IANA time zone such as Europe/Paris")
        })?;
        if windows.len() > MAX_WINDOWS {
            return Err(format!(
                "{field}.weekly: at most {MAX_WINDOWS} windows, not {}",
                windows.len()
            ));
        }
        let mut parsed = Vec::with_capacity(windows.len());
        for (i, (day, from, to)) in windows.enumerate() {
            let from = minutes(from).filter(|m| *m < DAY_MINUTES).ok_or_else(|| {
                format!("{field}.weekly[{i}].from: a time HH:MM from 00:00 to 23:59")
            })?;
            let to = minutes(to).filter(|m| *m > from).ok_or_else(|| {
                format!("{field}.weekly[{i}].to: a time HH:MM after `from` (24:00 ends the day)")
            })?;
            parsed.push(Window { day, from, to });
        }
        if parsed.is_empty() {
            return Ok(Availability::Any);
        }
        parsed.sort_by_key(|w| (w.day, w.from));
        let mut windows: Vec<Window> = Vec::with_capacity(parsed.len());
        for window in parsed {
            match windows.last_mut() {
                Some(last) if last.day == window.day && window.from <= last.to => {
                    last.to = last.to.max(window.to);
                }
                _ => windows.push(window),
            }
        }
        Ok(Availability::Weekly { zone, windows })
    }

    /// The GraphQL view; `None` for any time.
    pub(super) fn view(&self) -> Option<ServiceAvailability> {
        match self {
            Availability::Any => None,
            Availability::Weekly { zone, windows } => Some(ServiceAvailability {
                time_zone: zone.name().to_owned(),
                weekly: windows
                    .iter()
                    .map(|w| WeeklyHours {
                        day: w.day,
                        from: hh_mm(w.from),
                        to: hh_mm(w.to),
                    })
                    .collect(),
            }),
        }
    }
}

impl ServiceAvailabilityInput {
    /// The checked availability (BAD_USER_INPUT naming the field otherwise).
    pub(super) fn parse(&self) -> Result<Availability, AppError> {
        Availability::parse(
            "availability",
            &self.time_zone,
            self.weekly
                .iter()
                .map(|w| (w.day, w.from.as_str(), w.to.as_str())),
        )
        .map_err(AppError::BadUserInput)
    }
}

/// `HH:MM` as minutes after midnight (`24:00` is 1440).
fn minutes(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    let total = h.checked_mul(60)?.checked_add(m)?;
    (m < 60 && total <= DAY_MINUTES).then_some(total)
}

fn hh_mm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The stored (jsonb) shape.
#[derive(Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Stored {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    time_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    weekly: Vec<StoredWindow>,
}

#[derive(Serialize, Deserialize)]
struct StoredWindow {
    day: String,
    from: String,
    to: String,
}

impl TryFrom<Stored> for Availability {
    type Error = String;

    fn try_from(stored: Stored) -> Result<Self, String> {
        if stored.weekly.is_empty() {
            return Ok(Availability::Any);
        }
        let days = stored
            .weekly
            .iter()
            .map(|w| Weekday::parse(&w.day).ok_or_else(|| format!("unknown day {:?}", w.day)))
            .collect::<Result<Vec<_>, _>>()?;
        Availability::parse(
            "availability",
            stored.time_zone.as_deref().unwrap_or_default(),
            days.into_iter()
                .zip(&stored.weekly)
                .map(|(day, w)| (day, w.from.as_str(), w.to.as_str())),
        )
    }
}

impl From<Availability> for Stored {
    fn from(availability: Availability) -> Self {
        match availability {
            Availability::Any => Stored::default(),
            Availability::Weekly { zone, windows } => Stored {
                time_zone: Some(zone.name().to_owned()),
                weekly: windows
                    .into_iter()
                    .map(|w| StoredWindow {
                        day: w.day.as_str().to_owned(),
                        from: hh_mm(w.from),
                        to: hh_mm(w.to),
                    })
                    .collect(),
            },
        }
    }
}

/// `Ok` when a booking of `[start, end)` fits `availability` (see the module's rule);
/// BAD_USER_INPUT naming the booking's local times and the service's hours otherwise.
pub(crate) fn check(
    availability: &Availability,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<(), AppError> {
    let Availability::Weekly { zone, windows } = availability else {
        return Ok(());
    };
    let local_start = start.with_timezone(zone);
    let day_start = local_start.date_naive().and_time(chrono::NaiveTime::MIN);
    let weekday = Weekday::from(local_start.weekday());
    // Each continuous piece, in seconds after the local day's midnight, fits a window.
    let fits = end - start <= Duration::hours(26)
        && pieces(*zone, start, end).is_some_and(|pieces| {
            pieces.into_iter().all(|(from, to)| {
                let from = (from - day_start).num_seconds();
                let to = (to - day_start).num_seconds();
                windows.iter().any(|w| {
                    w.day == weekday && i64::from(w.from) * 60 <= from && to <= i64::from(w.to) * 60
                })
            })
        });
    if fits {
        return Ok(());
    }
    let local_end = end.with_timezone(zone);
    let mut hours = String::new();
    for w in windows {
        let sep = if hours.is_empty() { "" } else { ", " };
        let _ = write!(
            hours,
            "{sep}{} {}-{}",
            w.day.name(),
            hh_mm(w.from),
            hh_mm(w.to)
        );
    }
    Err(AppError::BadUserInput(format!(
        "startTime: the booking runs {} to {} in {}, outside the service's hours there ({hours})",
        local_start.format("%A %Y-%m-%d %H:%M"),
        local_end.format("%A %Y-%m-%d %H:%M"),
        zone.name(),
    )))
}

/// `[start, end)` in local time of `zone`, split where the zone's offset changes, so each
/// piece runs continuously on the local clock; `None` past more changes than a day holds.
fn pieces(
    zone: Tz,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Option<Vec<(NaiveDateTime, NaiveDateTime)>> {
    let offset = |at: DateTime<Utc>| zone.offset_from_utc_datetime(&at.naive_utc()).fix();
    let local = |at: DateTime<Utc>, offset: FixedOffset| at.naive_utc() + offset;
    let mut pieces = Vec::new();
    let mut from = start;
    while pieces.len() < 4 {
        let first = offset(from);
        let last = end - Duration::seconds(1);
        if last <= from || offset(last) == first {
            pieces.push((local(from, first), local(end, first)));
            return Some(pieces);
        }
        // The first second whose offset differs from `first`, in (from, last].
        let (mut same, mut changed) = (from, last);
        while changed - same > Duration::seconds(1) {
            let mid = same + (changed - same) / 2;
            if offset(mid) == first {
                same = mid;
            } else {
                changed = mid;
            }
        }
        pieces.push((local(from, first), local(changed, first)));
        from = changed;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn weekly(zone: &str, windows: &[(Weekday, &str, &str)]) -> Availability {
        Availability::parse("availability", zone, windows.iter().copied())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn fits(a: &Availability, start: &str, end: &str) -> bool {
        check(a, at(start), at(end)).is_ok()
    }

    #[test]
    fn any_time_without_windows() {
        let any = weekly("Europe/Paris", &[]);
        assert_eq!(any, Availability::Any);
        assert!(fits(&any, "2026-03-29T01:30:00Z", "2026-03-30T01:30:00Z"));
    }

    #[test]
    fn windows_are_checked_sorted_and_merged() {
        use Weekday::*;
        let a = weekly(
            "Asia/Tokyo",
            &[
                (Tuesday, "13:00", "17:00"),
                (Monday, "09:00", "12:00"),
                (Tuesday, "09:00", "13:00"),
                (Tuesday, "10:00", "11:00"),
            ],
        );
        let Availability::Weekly { windows, .. } = &a else {
            panic!("weekly")
        };
        assert_eq!(
            windows,
            &[
                Window {
                    day: Monday,
                    from: 540,
                    to: 720
                },
                Window {
                    day: Tuesday,
                    from: 540,
                    to: 1020
                },
            ]
        );
        for (zone, from, to, field) in [
            ("Mars/Olympus", "09:00", "10:00", "availability.timeZone"),
            ("UTC", "24:00", "24:00", "availability.weekly[0].from"),
            ("UTC", "9:00", "10:00", "availability.weekly[0].from"),
            ("UTC", "09:60", "10:00", "availability.weekly[0].from"),
            ("UTC", "10:00", "10:00", "availability.weekly[0].to"),
            ("UTC", "10:00", "09:00", "availability.weekly[0].to"),
            ("UTC", "10:00", "24:01", "availability.weekly[0].to"),
        ] {
            let refused =
                Availability::parse("availability", zone, [(Monday, from, to)].into_iter());
            assert!(
                refused.as_ref().is_err_and(|e| e.starts_with(field)),
                "{zone} {from}-{to}: {refused:?}"
            );
        }
        assert!(
            Availability::parse(
                "availability",
                "UTC",
                [(Monday, "00:00", "24:00")].into_iter()
            )
            .is_ok()
        );
    }

    #[test]
    fn stored_shape_round_trips() {
        let a = weekly("America/New_York", &[(Weekday::Friday, "08:30", "24:00")]);
        let json = serde_json::to_value(&a).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({ "timeZone": "America/New_York", "weekly": [{ "day": "fri", "from": "08:30", "to": "24:00" }] })
        );
        assert_eq!(serde_json::from_value::<Availability>(json).ok(), Some(a));
        assert_eq!(
            serde_json::to_value(Availability::Any).ok(),
            Some(serde_json::json!({}))
        );
        assert_eq!(
            serde_json::from_value::<Availability>(serde_json::json!({})).ok(),
            Some(Availability::Any)
        );
        assert!(
            serde_json::from_value::<Availability>(serde_json::json!({ "hours": "09:00-17:00" }))
                .is_err()
        );
    }

    #[test]
    fn tokyo_office_hours() {
        use Weekday::*;
        let days = [Monday, Tuesday, Wednesday, Thursday, Friday];
        let windows: Vec<_> = days.iter().map(|d| (*d, "09:00", "17:00")).collect();
        let a = weekly("Asia/Tokyo", &windows);
        // Monday 2026-12-07 10:00-11:00 in Tokyo is 01:00-02:00 UTC.
        assert!(fits(&a, "2026-12-07T01:00:00Z", "2026-12-07T02:00:00Z"));
        // The edges belong to the window.
        assert!(fits(&a, "2026-12-07T00:00:00Z", "2026-12-07T08:00:00Z"));
        // 18:00 Tokyo, and 16:30-17:30 running past the end.
        assert!(!fits(&a, "2026-12-07T09:00:00Z", "2026-12-07T10:00:00Z"));
        assert!(!fits(&a, "2026-12-07T07:30:00Z", "2026-12-07T08:30:00Z"));
        // Saturday 10:00 Tokyo (Saturday 01:00 UTC), and Sunday 20:00 UTC = Monday 05:00.
        assert!(!fits(&a, "2026-12-12T01:00:00Z", "2026-12-12T02:00:00Z"));
        assert!(!fits(&a, "2026-12-06T20:00:00Z", "2026-12-06T21:00:00Z"));
        let refused = check(&a, at("2026-12-07T09:00:00Z"), at("2026-12-07T10:00:00Z"));
        let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            message.starts_with("startTime: the booking runs Monday 2026-12-07 18:00 to Monday 2026-12-07 19:00 in Asia/Tokyo")
                && message.contains("Monday 09:00-17:00"),
            "{message}"
        );
    }

    #[test]
    fn a_booking_stays_on_its_local_day_or_ends_at_midnight() {
        let late = weekly(
            "Asia/Tokyo",
            &[
                (Weekday::Monday, "20:00", "24:00"),
                (Weekday::Tuesday, "00:00", "02:00"),
            ],
        );
        // Monday 23:00-24:00 Tokyo = 14:00-15:00 UTC.
        assert!(fits(&late, "2026-12-07T14:00:00Z", "2026-12-07T15:00:00Z"));
        // Monday 23:00 to Tuesday 00:30: crosses midnight, refused even with both windows.
        assert!(!fits(&late, "2026-12-07T14:00:00Z", "2026-12-07T15:30:00Z"));
        // Tuesday 00:00-01:00 belongs to Tuesday.
        assert!(fits(&late, "2026-12-07T15:00:00Z", "2026-12-07T16:00:00Z"));
    }

    #[test]
    fn paris_spring_forward() {
        // 2026-03-29 (a Sunday): 02:00 CET becomes 03:00 CEST at 01:00 UTC.
        let a = weekly("Europe/Paris", &[(Weekday::Sunday, "09:00", "17:00")]);
        // 09:00 local is 08:00 UTC the week before and 07:00 UTC on the day.
        assert!(fits(&a, "2026-03-22T08:00:00Z", "2026-03-22T09:00:00Z"));
        assert!(!fits(&a, "2026-03-22T07:00:00Z", "2026-03-22T08:00:00Z"));
        assert!(fits(&a, "2026-03-29T07:00:00Z", "2026-03-29T08:00:00Z"));
        assert!(!fits(&a, "2026-03-29T06:30:00Z", "2026-03-29T07:30:00Z"));
        // 17:00 local on the day is 15:00 UTC.
        assert!(fits(&a, "2026-03-29T14:00:00Z", "2026-03-29T15:00:00Z"));
        assert!(!fits(&a, "2026-03-29T15:00:00Z", "2026-03-29T15:30:00Z"));
        // Across the gap: 01:30 CET to 03:30 CEST is one real hour.
        let night = weekly("Europe/Paris", &[(Weekday::Sunday, "01:00", "04:00")]);
        assert!(fits(&night, "2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z"));
        // Windows either side of the missing hour hold a booking across it.
        let split = weekly(
            "Europe/Paris",
            &[
                (Weekday::Sunday, "01:00", "02:00"),
                (Weekday::Sunday, "03:00", "04:00"),
            ],
        );
        assert!(fits(&split, "2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z"));
        let before_gap = weekly("Europe/Paris", &[(Weekday::Sunday, "01:00", "02:00")]);
        assert!(!fits(
            &before_gap,
            "2026-03-29T00:30:00Z",
            "2026-03-29T01:30:00Z"
        ));
    }

    #[test]
    fn new_york_fall_back_and_spring_forward() {
        // 2026-11-01 (a Sunday): 02:00 EDT becomes 01:00 EST at 06:00 UTC; 01:00-02:00
        // local happens twice.
        let a = weekly("America/New_York", &[(Weekday::Sunday, "00:00", "02:00")]);
        // 01:00 EDT to 01:20 EST (80 minutes) reads 01:00-02:00 then 01:00-01:20 locally.
        assert!(fits(&a, "2026-11-01T05:00:00Z", "2026-11-01T06:20:00Z"));
        let short = weekly("America/New_York", &[(Weekday::Sunday, "00:00", "01:30")]);
        // Its local end (01:20) is inside 00:00-01:30, but it ran until 02:00 EDT first.
        assert!(!fits(
            &short,
            "2026-11-01T05:00:00Z",
            "2026-11-01T06:20:00Z"
        ));
        // 09:00 local is 13:00 UTC before the change and 14:00 UTC after it.
        let office = weekly("America/New_York", &[(Weekday::Sunday, "09:00", "17:00")]);
        assert!(fits(
            &office,
            "2026-10-25T13:00:00Z",
            "2026-10-25T14:00:00Z"
        ));
        assert!(!fits(
            &office,
            "2026-11-01T13:00:00Z",
            "2026-11-01T14:00:00Z"
        ));
        assert!(fits(
            &office,
            "2026-11-01T14:00:00Z",
            "2026-11-01T15:00:00Z"
        ));
        // 2026-03-08: 02:00 EST becomes 03:00 EDT; 09:00 local moves from 14:00 to 13:00 UTC.
        assert!(fits(
            &office,
            "2026-03-08T13:00:00Z",
            "2026-03-08T14:00:00Z"
        ));
        assert!(!fits(
            &office,
            "2026-03-01T13:00:00Z",
            "2026-03-01T14:00:00Z"
        ));
    }
}
