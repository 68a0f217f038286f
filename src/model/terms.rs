//! A terms row: a revenue-share contract of MODEL.md §4, with the columns, domains
//! and defaults of §8 declared once in [`TermsParam`].
//!
//! A [`Terms`] is built by [`Terms::builder`] in code or by
//! [`crate::input::read_terms`] from a CSV file; both check the same rules. A term
//! that may be absent (only the cap) is an `Option`: [`Terms::cap`] is `None` for
//! a contract without a cap, and the model uses the neutral value `C = inf` for it.

use super::params::{BuildProblems, IfEmpty, Param, params};
use crate::choice::Choice;
use crate::date::Date;
use crate::dist::Dist;
use crate::error::Error;

/// The event that stops a contract's share, besides its end date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// No event stops the share.
    None,
    /// The share stops when AGI is declared (`T_D`).
    Declared,
    /// The share stops when the panel verifies AGI (`T_V`).
    Verified,
}

impl Choice for Trigger {
    const ALL: &'static [Trigger] = &[Trigger::None, Trigger::Declared, Trigger::Verified];

    fn name(self) -> &'static str {
        match self {
            Trigger::None => "none",
            Trigger::Declared => "declared",
            Trigger::Verified => "verified",
        }
    }
}

impl std::fmt::Display for Trigger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// When a contract's share ends (MODEL.md §4): a date, no end, or drawn per path.
#[derive(Debug, Clone, PartialEq)]
pub enum EndTerm {
    /// A fixed date; `None` means no end date.
    Date(Option<Date>),
    /// A distribution of calendar decimal years (`inf`: no end), with its text as
    /// written (dates and `none` kept as the user wrote them).
    Drawn {
        /// The distribution of calendar decimal years.
        dist: Dist,
        /// The cell as written, for listings and the manifest.
        text: String,
    },
}

impl std::fmt::Display for EndTerm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EndTerm::Date(Some(d)) => write!(f, "{d}"),
            EndTerm::Date(None) => f.write_str(super::params::NONE),
            EndTerm::Drawn { text, .. } => f.write_str(text),
        }
    }
}

/// Which event ends a contract's share: fixed, or drawn per path.
#[derive(Debug, Clone, PartialEq)]
pub enum TriggerTerm {
    /// The same trigger on every path.
    Fixed(Trigger),
    /// A distribution over the triggers' positions in [`Trigger::ALL`], with its text.
    Drawn {
        /// The distribution of positions.
        dist: Dist,
        /// The cell as written.
        text: String,
    },
}

impl std::fmt::Display for TriggerTerm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TriggerTerm::Fixed(t) => write!(f, "{t}"),
            TriggerTerm::Drawn { text, .. } => f.write_str(text),
        }
    }
}

impl Trigger {
    /// The trigger's position in [`Trigger::ALL`], as a drawn trigger's value.
    pub fn code(self) -> f64 {
        Trigger::ALL.iter().position(|t| *t == self).unwrap_or(0) as f64
    }

    /// The trigger at position `code` of [`Trigger::ALL`] (a drawn trigger's value).
    pub fn from_code(code: f64) -> Trigger {
        Trigger::ALL[(code.max(0.0) as usize).min(Trigger::ALL.len() - 1)]
    }
}

params! {
    /// The numeric parameters of a terms row, in column order.
    enum TermsParam;
    /// The values of one terms row on one path.
    struct ContractDraw {
        /// `E`: end date in years since start (`inf` = none).
        end: f64,
        /// Which event stops the share.
        trigger: Trigger,
    }
    /// `a`: share of OpenAI's revenue paid to Microsoft.
    share / Share: UnitInterval, IfEmpty::Required, inf: false;
    /// `C`: total cap on payments to Microsoft (`inf` = none).
    cap / Cap: NonNegative, IfEmpty::Absent, inf: false;
    /// `C0`: amount already counted toward the cap at start.
    cap_counted / CapCounted: NonNegative, IfEmpty::Value(0.0), inf: false;
    /// `b`: share of Microsoft's related revenue paid back (not capped).
    reverse_share / ReverseShare: UnitInterval, IfEmpty::Value(0.0), inf: false;
    /// `S`: years over which each month's accrual is paid.
    spread_years / SpreadYears: NonNegative, IfEmpty::Value(0.0), inf: false;
    /// `rho`: the fraction of a payment still owed at failure that Microsoft recovers.
    recovery / Recovery: UnitInterval, IfEmpty::Value(0.0), inf: false;
}

/// Every column a terms file may have: `name`, `end`, `trigger`, then the
/// parameters in [`TermsParam::ALL`] order, then `reading`.
pub fn columns() -> Vec<&'static str> {
    let mut c = vec!["name", "end", "trigger"];
    c.extend(TermsParam::ALL.iter().map(|p| p.name()));
    c.push("reading");
    c
}

/// A validated terms row.
#[derive(Debug, Clone, PartialEq)]
pub struct Terms {
    name: String,
    line: Option<u64>,
    end: EndTerm,
    trigger: TriggerTerm,
    params: [Option<Param>; TermsParam::COUNT],
    reading: Option<String>,
    variant_of: Option<String>,
}

impl Terms {
    /// Starts building a terms row named `name` in code; see [`TermsBuilder`].
    pub fn builder(name: impl Into<String>) -> TermsBuilder {
        TermsBuilder {
            name: name.into(),
            end: EndTerm::Date(None),
            trigger: TriggerTerm::Fixed(Trigger::None),
            params: std::array::from_fn(|_| None),
            reading: None,
        }
    }

    /// A row whose every part has been checked by its front end; only a parameter
    /// whose column allows it ([`IfEmpty::Absent`]) is `None`.
    pub(crate) fn checked(
        name: String,
        line: Option<u64>,
        end: EndTerm,
        trigger: TriggerTerm,
        params: [Option<Param>; TermsParam::COUNT],
        reading: Option<String>,
    ) -> Terms {
        Terms { name, line, end, trigger, params, reading, variant_of: None }
    }

    /// Marks the row as a sweep's variant of row `original` (`--vary-terms`): a run
    /// compares its PV with the original's, path by path, besides the baseline's.
    pub fn with_variant_of(mut self, original: impl Into<String>) -> Terms {
        self.variant_of = Some(original.into());
        self
    }

    /// The row this one is a sweep's variant of, if it is one.
    pub fn variant_of(&self) -> Option<&str> {
        self.variant_of.as_deref()
    }

    /// The name the row's random terms are keyed by (MODEL.md §7): its own, or
    /// for a sweep's variant the row it varies, so that a variant draws the same
    /// end, trigger and terms as its row on every path, and differs from it by the
    /// value varied alone.
    pub fn stream(&self) -> &str {
        self.variant_of.as_deref().unwrap_or(&self.name)
    }

    /// Unique name; keys the row's random streams.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Line of the row in its file, when it was read from one.
    pub fn line(&self) -> Option<u64> {
        self.line
    }

    /// Calendar end of the share (`E`): a date, none, or drawn per path.
    pub fn end(&self) -> &EndTerm {
        &self.end
    }

    /// Event that stops the share: fixed or drawn per path.
    pub fn trigger(&self) -> &TriggerTerm {
        &self.trigger
    }

    /// The parameter `p`; `None` only for a term the contract does not have (no cap).
    pub fn param(&self, p: TermsParam) -> Option<&Param> {
        self.params[p as usize].as_ref()
    }

    /// The cap, if the contract has one.
    pub fn cap(&self) -> Option<&Param> {
        self.param(TermsParam::Cap)
    }

    /// The contract this row is one reading of (the `reading` column), when the
    /// row is one: a run compares every other row with each reading.
    pub fn reading(&self) -> Option<&str> {
        self.reading.as_deref()
    }
}

/// Builds a [`Terms`] row in code, with the same checks as a terms file: `share`
/// is required, every other parameter takes its column's default, and a row with
/// no [`TermsBuilder::cap`] has no cap.
///
/// ```
/// use revshare::{Date, Dist, Terms, Trigger, TriggerTerm};
/// let t = Terms::builder("capped")
///     .share(Dist::constant(0.2)?)
///     .end(Date::month_start(2031, 1)?)
///     .cap(Dist::triangular(30.0, 38.0, 45.0)?)
///     .build()?;
/// assert_eq!(t.trigger(), &TriggerTerm::Fixed(Trigger::None));
/// assert!(t.cap().is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct TermsBuilder {
    name: String,
    end: EndTerm,
    trigger: TriggerTerm,
    params: [Option<Dist>; TermsParam::COUNT],
    reading: Option<String>,
}

impl TermsBuilder {
    /// The share of revenue paid to Microsoft (required).
    pub fn share(self, dist: Dist) -> TermsBuilder {
        self.set(TermsParam::Share, dist)
    }

    /// A cap on the total paid to Microsoft (default: none).
    pub fn cap(self, dist: Dist) -> TermsBuilder {
        self.set(TermsParam::Cap, dist)
    }

    /// The calendar end of the share (default: none).
    pub fn end(mut self, date: Date) -> TermsBuilder {
        self.end = EndTerm::Date(Some(date));
        self
    }

    /// A calendar end drawn per path: a distribution of calendar decimal years
    /// (`inf` in a `discrete` means no end).
    pub fn end_drawn(mut self, dist: Dist) -> TermsBuilder {
        self.end = EndTerm::Drawn { text: dist.to_string(), dist };
        self
    }

    /// The event that also ends the share (default: none).
    pub fn trigger(mut self, trigger: Trigger) -> TermsBuilder {
        self.trigger = TriggerTerm::Fixed(trigger);
        self
    }

    /// Marks the row as one reading of contract `contract` (default: none).
    pub fn reading_of(mut self, contract: impl Into<String>) -> TermsBuilder {
        self.reading = Some(contract.into());
        self
    }

    /// Sets parameter `p` to a constant or a distribution.
    pub fn set(mut self, p: TermsParam, dist: Dist) -> TermsBuilder {
        self.params[p as usize] = Some(dist);
        self
    }

    /// Checks every rule and builds the row; the error lists every problem.
    pub fn build(self) -> Result<Terms, Error> {
        let mut problems = BuildProblems::new(format!("terms `{}`", self.name));
        if let Err(m) = super::scenario::check_name(&self.name) {
            problems.add("name", None, m);
        }
        if let Some(Err(m)) = self.reading.as_deref().map(super::scenario::check_name) {
            problems.add("reading", self.reading.clone(), m);
        }
        let params = problems.params(TermsParam::ALL.map(TermsParam::rule), self.params);
        match params.try_into() {
            Ok(params) if problems.list.is_empty() => {
                Ok(Terms::checked(self.name, None, self.end, self.trigger, params, self.reading))
            }
            _ => Err(Error::Input(problems.list)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_built_row_has_the_file_defaults_and_no_cap_unless_given() {
        let t = Terms::builder("flat").share(Dist::constant(0.2).unwrap()).build().unwrap();
        assert_eq!((t.end(), t.trigger()), (&EndTerm::Date(None), &TriggerTerm::Fixed(Trigger::None)));
        assert!(t.cap().is_none());
        assert_eq!(t.param(TermsParam::CapCounted).unwrap().dist(), &Dist::constant(0.0).unwrap());
        let e = Terms::builder("bad")
            .cap(Dist::constant(-1.0).unwrap())
            .set(TermsParam::ReverseShare, Dist::uniform(0.5, 1.5).unwrap())
            .build()
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("3 problems"), "{e}");
        assert!(e.contains("terms `bad`, column `share`: a value is required"), "{e}");
        assert!(e.contains("terms `bad`, column `cap`, value `-1`: must be >= 0"), "{e}");
        assert!(e.contains("column `reverse_share`, value `uniform(0.5, 1.5)`: its values reach 1.5"), "{e}");
    }

    #[test]
    fn triggers_are_named_once() {
        assert_eq!(Trigger::parse("verified"), Some(Trigger::Verified));
        assert_eq!(Trigger::names(), "none, declared, verified");
        assert_eq!(Trigger::Declared.to_string(), "declared");
    }
}
