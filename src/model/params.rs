//! How the model declares its parameters: one table per row type, from which the
//! column rules, the parameter enum and the per-path value struct are derived.
//!
//! The crate-private `params!` macro turns a table such as
//!
//! ```text
//! revenue0 / Revenue0: Positive, IfEmpty::Required, inf: false;
//! sigma / Sigma: NonNegative, IfEmpty::Value(0.0), inf: false;
//! ```
//!
//! into an enum (`ScenarioParam::Sigma`, in column order, with its [`ColumnRule`]),
//! a struct of drawn values (`WorldParams { sigma, .. }`) and the conversions
//! between that struct and an array in column order, which is the order of the
//! per-path record. Adding a column is one line of the table.

use crate::dist::{Dist, Domain};
use crate::error::{Invalid, Problem};
use std::fmt;

/// How a file, the manifest and the listings write a term the contract does not
/// have (no end date, no cap).
pub const NONE: &str = "none";

/// What an empty cell (or an absent column) means.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum IfEmpty {
    /// A value is required.
    Required,
    /// This constant.
    Value(f64),
    /// The term does not exist (a contract with no cap); the model uses the neutral
    /// value `inf` for it (MODEL.md §4: "cap (C; none = inf)").
    Absent,
}

/// What a column accepts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColumnRule {
    /// Column name.
    pub name: &'static str,
    /// Domain of every value.
    pub domain: Domain,
    /// What an empty cell means.
    pub if_empty: IfEmpty,
    /// Whether `inf` is allowed (for `agi_delay`, meaning "never").
    pub allow_inf: bool,
    /// Largest value a distribution may reach, when the column has one.
    pub max: Option<(f64, &'static str)>,
}

impl ColumnRule {
    /// Checks that every value `dist` can take is allowed in this column.
    pub fn check(&self, dist: &Dist) -> Result<(), Invalid> {
        let s = dist.support();
        let reaches_inf = (s.hi.is_infinite() && s.hi_closed) || (s.lo.is_infinite() && s.lo_closed);
        if reaches_inf && !(self.allow_inf && s.lo > f64::NEG_INFINITY) {
            return Err(Invalid(format!("`{dist}` is not finite; numbers must be finite here")));
        }
        self.domain.check(dist).map_err(|m| Invalid(format!("{m} ({} {})", self.name, self.domain.describe())))?;
        match self.max {
            Some((max, unit)) if s.hi > max => Err(Invalid(format!("{} must be <= {max} {unit}", self.name))),
            _ => Ok(()),
        }
    }

    /// The rule in words, for "a value is required" messages.
    pub fn describe(&self) -> String {
        format!("{} {}", self.name, self.domain.describe())
    }

    /// What the column holds when no value is given: `Ok(None)` for an absent term,
    /// the default, or an error saying that a value is required.
    pub(crate) fn missing(&self) -> Result<Option<Param>, Invalid> {
        match (self.if_empty, Param::default_for(self)) {
            (IfEmpty::Absent, _) => Ok(None),
            (_, Some(p)) => Ok(Some(p)),
            (_, None) => Err(Invalid(format!("a value is required: {}", self.describe()))),
        }
    }
}

/// A validated parameter: its distribution (a constant is a [`Dist`] too) and
/// whether it was left empty and took the column's default.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    dist: Dist,
    defaulted: bool,
}

impl Param {
    /// A parameter already checked against its column's rule.
    pub(crate) fn checked(dist: Dist, defaulted: bool) -> Param {
        Param { dist, defaulted }
    }

    /// The column's default, or `None` when the column has no default value.
    pub(crate) fn default_for(rule: &ColumnRule) -> Option<Param> {
        match rule.if_empty {
            IfEmpty::Value(v) => Dist::constant(v).ok().map(|d| Param::checked(d, true)),
            IfEmpty::Required | IfEmpty::Absent => None,
        }
    }

    /// The distribution drawn once per path.
    pub fn dist(&self) -> &Dist {
        &self.dist
    }

    /// True when the cell was empty or the column absent.
    pub fn is_default(&self) -> bool {
        self.defaulted
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.dist)?;
        if self.defaulted {
            write!(f, "  (default)")?;
        }
        Ok(())
    }
}

/// The problems of a row built in code ([`crate::Scenario::builder`],
/// [`crate::Terms::builder`]), each naming the row, the column and the value.
pub(crate) struct BuildProblems {
    what: String,
    pub(crate) list: Vec<Problem>,
}

impl BuildProblems {
    /// Problems of the row described as `what` (``scenario `base` ``).
    pub(crate) fn new(what: String) -> BuildProblems {
        BuildProblems { what, list: Vec::new() }
    }

    /// Records that `column` (with `value`, when there is one) breaks a rule.
    pub(crate) fn add(&mut self, column: &str, value: Option<String>, m: Invalid) {
        let p = Problem::value_of(self.what.clone(), m.0).with_column(column);
        self.list.push(match value {
            Some(v) => p.with_value(v),
            None => p,
        });
    }

    /// Checks the values a builder was given against their columns' rules: a value
    /// set must fit its column; one not set takes its default, stays absent where
    /// the column allows it, or is reported as required. Returns one entry per rule.
    pub(crate) fn params(
        &mut self,
        rules: impl IntoIterator<Item = ColumnRule>,
        values: impl IntoIterator<Item = Option<Dist>>,
    ) -> Vec<Option<Param>> {
        let mut out = Vec::new();
        for (rule, value) in rules.into_iter().zip(values) {
            match value {
                Some(d) => match rule.check(&d) {
                    Ok(()) => out.push(Some(Param::checked(d, false))),
                    Err(m) => self.add(rule.name, Some(d.to_string()), m),
                },
                None => match rule.missing() {
                    Ok(param) => out.push(param),
                    Err(m) => self.add(rule.name, None, m),
                },
            }
        }
        out
    }
}

/// Declares a row type's numeric parameters from one table; see the module docs.
macro_rules! params {
    (
        $(#[$edoc:meta])* enum $Enum:ident;
        $(#[$sdoc:meta])* struct $Struct:ident { $( $(#[$xdoc:meta])* $extra:ident : $xty:ty ),* $(,)? }
        $( $(#[$doc:meta])* $field:ident / $Variant:ident : $domain:ident, $if_empty:expr, inf: $inf:literal $(, max: $max:expr)?; )*
    ) => {
        $(#[$edoc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $Enum { $( $(#[$doc])* $Variant ),* }

        impl $Enum {
            /// Every parameter, in column order (the order of the per-path record).
            pub const ALL: [$Enum; [$(stringify!($field)),*].len()] = [$($Enum::$Variant),*];
            /// The number of parameters.
            pub const COUNT: usize = $Enum::ALL.len();

            /// The column's rule: name, domain, default.
            pub fn rule(self) -> $crate::model::params::ColumnRule {
                match self {
                    $($Enum::$Variant => $crate::model::params::ColumnRule {
                        name: stringify!($field),
                        domain: $crate::dist::Domain::$domain,
                        if_empty: $if_empty,
                        allow_inf: $inf,
                        max: None $(.or(Some($max)))?,
                    },)*
                }
            }
        }

        impl $crate::choice::Choice for $Enum {
            const ALL: &'static [$Enum] = &$Enum::ALL;
            fn name(self) -> &'static str {
                match self { $($Enum::$Variant => stringify!($field),)* }
            }
        }

        $(#[$sdoc])*
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub struct $Struct {
            $( $(#[$xdoc])* pub $extra: $xty, )*
            $( $(#[$doc])* pub $field: f64, )*
        }

        impl $Struct {
            /// Builds the struct from values in column order.
            pub fn from_values(v: &[f64; $Enum::COUNT] $(, $extra: $xty)*) -> $Struct {
                $Struct { $($extra,)* $($field: v[$Enum::$Variant as usize],)* }
            }

            /// The values in column order (the inverse of `from_values`).
            pub fn values(&self) -> [f64; $Enum::COUNT] {
                [$(self.$field),*]
            }
        }
    };
}

pub(crate) use params;
