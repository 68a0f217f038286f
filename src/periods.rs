//! Reporting periods: calendar or fiscal years, or their quarters (MODEL.md §5,
//! "Periods").
//!
//! A run reports revenue and each contract's flows per period, each month counted
//! in the period that contains it. A year that starts in a month other than
//! January is named after the calendar year in which it ends, as Microsoft names
//! its fiscal years: with the year starting in July, `FY2027` runs from July 2026
//! to June 2027 and `FY2027Q1` from July to September 2026. Calendar years are
//! plain numbers (`2026`, `2026Q1`).

use crate::choice::Choice;
use crate::date::Date;

/// How long a reporting period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PeriodLength {
    /// A (calendar or fiscal) year.
    #[default]
    Year,
    /// A quarter of such a year.
    Quarter,
}

impl Choice for PeriodLength {
    const ALL: &'static [PeriodLength] = &[PeriodLength::Year, PeriodLength::Quarter];

    fn name(self) -> &'static str {
        match self {
            PeriodLength::Year => "year",
            PeriodLength::Quarter => "quarter",
        }
    }
}

/// The periods a run reports in: their length and the month their year starts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Periods {
    length: PeriodLength,
    year_start: u32,
}

impl Default for Periods {
    /// Calendar years.
    fn default() -> Periods {
        Periods { length: PeriodLength::Year, year_start: 1 }
    }
}

/// One reporting period.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    /// Its name: `2026`, `2026Q3`, `FY2027` or `FY2027Q1`.
    pub label: String,
    /// Its first month.
    pub start: Date,
}

impl Periods {
    /// Periods of `length` in years that start in month `year_start` (1 to 12);
    /// `None` for a month outside 1..=12.
    pub fn new(length: PeriodLength, year_start: u32) -> Option<Periods> {
        (1..=12).contains(&year_start).then_some(Periods { length, year_start })
    }

    /// The length of a period.
    pub fn length(&self) -> PeriodLength {
        self.length
    }

    /// The month (1 to 12) the year starts in.
    pub fn year_start(&self) -> u32 {
        self.year_start
    }

    /// The periods in words, as the manifest records them: `calendar years`,
    /// `quarters of fiscal years starting in July`.
    pub fn describe(&self) -> String {
        let year = if self.year_start == 1 {
            "calendar years".to_string()
        } else {
            format!("fiscal years starting in {}", MONTH_NAMES[self.year_start as usize - 1])
        };
        match self.length {
            PeriodLength::Year => year,
            PeriodLength::Quarter => format!("quarters of {year}"),
        }
    }

    /// The year (named as described in the module docs) and the quarter (0 to 3)
    /// of the month `month` (1 to 12) of calendar year `year`.
    fn year_and_quarter(&self, year: i32, month: u32) -> (i32, u32) {
        let fiscal_year = if self.year_start > 1 && month >= self.year_start { year + 1 } else { year };
        (fiscal_year, (month + 12 - self.year_start) % 12 / 3)
    }

    /// What one period is called in a sentence: `year`, `fiscal year`, `quarter`,
    /// `fiscal quarter`.
    pub fn noun(&self) -> &'static str {
        match (self.length, self.year_start == 1) {
            (PeriodLength::Year, true) => "year",
            (PeriodLength::Year, false) => "fiscal year",
            (PeriodLength::Quarter, true) => "quarter",
            (PeriodLength::Quarter, false) => "fiscal quarter",
        }
    }

    /// A running number of the period containing the month, increasing by one
    /// from one period to the next.
    fn ordinal(&self, year: i32, month: u32) -> i64 {
        let (y, q) = self.year_and_quarter(year, month);
        match self.length {
            PeriodLength::Year => i64::from(y),
            PeriodLength::Quarter => 4 * i64::from(y) + i64::from(q),
        }
    }

    fn label(&self, year: i32, month: u32) -> String {
        let (y, q) = self.year_and_quarter(year, month);
        let prefix = if self.year_start == 1 { "" } else { "FY" };
        match self.length {
            PeriodLength::Year => format!("{prefix}{y}"),
            PeriodLength::Quarter => format!("{prefix}{y}Q{}", q + 1),
        }
    }

    /// The periods of a monthly grid of `months` months from `start` (a month
    /// start), and the period of each month (an index into the first).
    pub fn of_grid(&self, start: Date, months: usize) -> (Vec<Period>, Vec<usize>) {
        let mut periods: Vec<Period> = Vec::new();
        let mut of_month = Vec::with_capacity(months);
        let first = self.ordinal(start.year(), start.month());
        for k in 0..months {
            let m0 = start.month() as usize - 1 + k;
            let (year, month) = (start.year() + (m0 / 12) as i32, (m0 % 12) as u32 + 1);
            let index = (self.ordinal(year, month) - first) as usize;
            if index == periods.len() {
                let start = Date::month_start(year, month).expect("a month of the grid is a valid date");
                periods.push(Period { label: self.label(year, month), start });
            }
            of_month.push(index);
        }
        (periods, of_month)
    }
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(p: Periods, start: (i32, u32), months: usize) -> (Vec<String>, Vec<usize>) {
        let (periods, of_month) = p.of_grid(Date::month_start(start.0, start.1).unwrap(), months);
        (periods.into_iter().map(|p| p.label).collect(), of_month)
    }

    #[test]
    fn calendar_years_are_plain_numbers_and_cover_partial_years() {
        let (l, m) = labels(Periods::default(), (2026, 11), 4);
        assert_eq!(l, ["2026", "2027"]);
        assert_eq!(m, [0, 0, 1, 1]);
    }

    #[test]
    fn fiscal_years_are_named_after_the_year_they_end_in() {
        let fy = Periods::new(PeriodLength::Year, 7).unwrap();
        let (l, m) = labels(fy, (2026, 1), 24);
        assert_eq!(l, ["FY2026", "FY2027", "FY2028"]);
        assert_eq!(&m[5..8], &[0, 1, 1]);
        assert_eq!(m[18], 2);
    }

    #[test]
    fn fiscal_quarters_start_in_the_years_first_month() {
        let q = Periods::new(PeriodLength::Quarter, 7).unwrap();
        let (l, m) = labels(q, (2026, 6), 8);
        assert_eq!(l, ["FY2026Q4", "FY2027Q1", "FY2027Q2", "FY2027Q3"]);
        assert_eq!(m, [0, 1, 1, 1, 2, 2, 2, 3]);
        let (periods, _) = q.of_grid(Date::month_start(2026, 6).unwrap(), 8);
        assert_eq!(periods[1].start, Date::month_start(2026, 7).unwrap());
    }

    #[test]
    fn calendar_quarters() {
        let q = Periods::new(PeriodLength::Quarter, 1).unwrap();
        let (l, _) = labels(q, (2024, 1), 12);
        assert_eq!(l, ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]);
        assert_eq!(q.describe(), "quarters of calendar years");
        assert_eq!(Periods::new(PeriodLength::Year, 7).unwrap().describe(), "fiscal years starting in July");
    }

    #[test]
    fn a_month_outside_the_year_is_refused() {
        assert!(Periods::new(PeriodLength::Year, 0).is_none());
        assert!(Periods::new(PeriodLength::Year, 13).is_none());
    }
}
