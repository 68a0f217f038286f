//! Closed sets of named values: one place where each user-facing name is spelled.
//!
//! A trigger (`none`, `declared`, `verified`), an end cause, a metric, a term to
//! solve for: each is an enum implementing [`Choice`], whose [`Choice::name`] is the
//! only spelling of that name. Parsing, messages listing the choices, output files
//! and the command line's possible values all go through it.

/// A closed set of values, each with the name users write and read.
pub trait Choice: Copy + Eq + 'static {
    /// Every value, in the order they are listed to users.
    const ALL: &'static [Self];

    /// The name a user writes and output files carry.
    fn name(self) -> &'static str;

    /// The value named `text`, if any.
    fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.name() == text)
    }

    /// Every name, comma-separated, for messages.
    fn names() -> String {
        Self::ALL.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
    }
}
