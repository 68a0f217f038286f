//! Calendar dates and the decimal-year convention of MODEL.md §2.
//!
//! A date is written `YYYY`, `YYYY-MM` or `YYYY-MM-DD` and means the *start* of that
//! year, month or day. Its decimal year is
//! `y + (m-1)/12 + (d-1)/(12 * days_in_month(y, m))`, so every month is exactly 1/12
//! of a year long, whatever its number of days.

use crate::error::Invalid;
use std::fmt;

/// Smallest year accepted in a date.
pub const MIN_YEAR: i32 = 1900;
/// Largest year accepted in a date.
pub const MAX_YEAR: i32 = 2200;

/// A valid calendar date (years [`MIN_YEAR`] to [`MAX_YEAR`]) meaning the start of
/// a year, a month or a day. Built by [`Date::parse`], [`Date::new`] or
/// [`Date::month_start`], which refuse a date that does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u32,
    day: u32,
}

/// Number of days in a month of the Gregorian calendar.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            if leap { 29 } else { 28 }
        }
    }
}

impl Date {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; the error says what is allowed.
    pub fn parse(text: &str) -> Result<Date, Invalid> {
        Date::parse_text(text).map_err(Invalid)
    }

    /// The date `year-month-day`, if it exists and its year is in range.
    pub fn new(year: i32, month: u32, day: u32) -> Result<Date, Invalid> {
        Date::check(year, month, day).map_err(Invalid)
    }

    /// The first day of `year-month`, if the month exists and its year is in range.
    pub fn month_start(year: i32, month: u32) -> Result<Date, Invalid> {
        Date::new(year, month, 1)
    }

    /// The first day of `year-month`, for constants known to be valid.
    pub(crate) const fn known_month_start(year: i32, month: u32) -> Date {
        Date { year, month, day: 1 }
    }

    /// Calendar year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// Month, 1 to 12.
    pub fn month(&self) -> u32 {
        self.month
    }

    /// Day of the month, from 1.
    pub fn day(&self) -> u32 {
        self.day
    }

    fn check(year: i32, month: u32, day: u32) -> Result<Date, String> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(format!("the year must be between {MIN_YEAR} and {MAX_YEAR}"));
        }
        if !(1..=12).contains(&month) {
            return Err("the month must be between 01 and 12".to_string());
        }
        let dim = days_in_month(year, month);
        if !(1..=dim).contains(&day) {
            return Err(format!("{year}-{month:02} has days 01 to {dim}"));
        }
        Ok(Date { year, month, day })
    }

    fn parse_text(text: &str) -> Result<Date, String> {
        let allowed = "a date is written YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2031 or 2026-04-27)";
        let parts: Vec<&str> = text.trim().split('-').collect();
        let widths_ok = match parts.len() {
            1 => parts[0].len() == 4,
            2 => parts[0].len() == 4 && parts[1].len() == 2,
            3 => parts[0].len() == 4 && parts[1].len() == 2 && parts[2].len() == 2,
            _ => false,
        };
        if !widths_ok || parts.iter().any(|p| !p.bytes().all(|b| b.is_ascii_digit())) {
            return Err(format!("not a date: {allowed}"));
        }
        let year: i32 = parts[0].parse().map_err(|_| format!("not a date: {allowed}"))?;
        let month: u32 = parts.get(1).map_or(Ok(1), |m| m.parse()).map_err(|_| allowed)?;
        let day: u32 = parts.get(2).map_or(Ok(1), |d| d.parse()).map_err(|_| allowed)?;
        Date::check(year, month, day)
    }

    /// The decimal year of the start of this date (MODEL.md §2).
    pub fn decimal_year(&self) -> f64 {
        let dim = f64::from(days_in_month(self.year, self.month));
        f64::from(self.year) + f64::from(self.month - 1) / 12.0 + f64::from(self.day - 1) / (12.0 * dim)
    }

    /// True when the date is the first day of a month.
    pub fn is_month_start(&self) -> bool {
        self.day == 1
    }

    /// Months from `self` to `later`, counting from the months' starts.
    pub fn months_until(&self, later: &Date) -> i64 {
        (i64::from(later.year) * 12 + i64::from(later.month)) - (i64::from(self.year) * 12 + i64::from(self.month))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.day == 1 {
            write!(f, "{:04}-{:02}", self.year, self.month)
        } else {
            write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
        }
    }
}

/// Written as text (`2026-07`), as in the input files.
impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Read from its text form; refused with [`Date::parse`]'s message.
impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Date::parse(&text).map_err(|e| serde::de::Error::custom(format!("`{text}`: {}", e.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_means_its_first_of_january() {
        assert_eq!(Date::parse("2031").unwrap(), Date::month_start(2031, 1).unwrap());
        assert_eq!(Date::parse("2031").unwrap().decimal_year(), 2031.0);
    }

    #[test]
    fn decimal_years_follow_the_month_and_day_convention() {
        assert_eq!(Date::parse("2026-04").unwrap().decimal_year(), 2026.0 + 3.0 / 12.0);
        // 27 April: 26 days into a 30-day month.
        let d = Date::parse("2026-04-27").unwrap().decimal_year();
        assert!((d - (2026.0 + 3.0 / 12.0 + 26.0 / 360.0)).abs() < 1e-12);
        // 15 February 2028 (leap year): 14 of 29 days.
        let d = Date::parse("2028-02-15").unwrap().decimal_year();
        assert!((d - (2028.0 + 1.0 / 12.0 + 14.0 / 348.0)).abs() < 1e-12);
    }

    #[test]
    fn malformed_and_impossible_dates_are_refused_with_the_rule() {
        for bad in ["26", "2026-4", "2026/04", "2026-13", "2026-02-30", "abcd", "", "2026-04-01-01"] {
            let err = Date::parse(bad).unwrap_err().0;
            assert!(!err.is_empty(), "{bad}");
        }
        assert!(Date::parse("2026-02-30").unwrap_err().0.contains("days 01 to 28"));
        assert!(Date::parse("2026-13").unwrap_err().0.contains("between 01 and 12"));
        assert!(Date::parse("2027-02-29").is_err());
        assert!(Date::parse("2028-02-29").is_ok());
    }

    #[test]
    fn months_until_counts_calendar_months() {
        let ym = |y, m| Date::month_start(y, m).unwrap();
        let a = ym(2026, 1);
        assert_eq!(a.months_until(&ym(2036, 1)), 120);
        assert_eq!(a.months_until(&ym(2026, 4)), 3);
        assert_eq!(ym(2026, 4).months_until(&a), -3);
        assert!(Date::month_start(2026, 0).is_err() && Date::month_start(2026, 13).is_err());
        assert!(Date::new(2027, 2, 29).is_err() && Date::new(2028, 2, 29).is_ok());
        assert!(Date::month_start(1899, 12).is_err() && Date::month_start(2201, 1).is_err());
    }
}
