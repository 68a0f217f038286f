//! The distribution grammar of MODEL.md §6: parsing, support checks and sampling.
//!
//! Every numeric cell of a scenario or terms file is either a number or one of
//! `uniform(a, b)`, `normal(mean, sd)`, `lognormal(median, sigma)`,
//! `triangular(min, mode, max)`, `pert(min, mode, max)` (Beta-PERT, shape 4),
//! `gamma(shape, scale)`, `discrete(v1: p1, ...)` and `cdf(x1: 0, ..., xn: 1)`.
//! A [`Dist`] is parsed and validated once; [`Dist::sampler`] builds the
//! `rand_distr` object used in the simulation, so nothing is parsed or validated
//! inside the hot loop. [`Domain::check`] refuses a distribution whose support
//! leaves a parameter's domain (a normal for a positive parameter, say).

use rand::Rng;
use rand::RngExt;
use rand::distr::weighted::WeightedIndex;
use rand_distr::{Distribution, Gamma, LogNormal, Normal, Pert, Triangular, Uniform};
use std::fmt;

/// A parsed, validated number or distribution. Fields are named as in the grammar.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub enum Dist {
    /// A constant (may be `inf` only where a parameter allows it).
    Const(f64),
    /// Uniform on `[lo, hi]`.
    Uniform { lo: f64, hi: f64 },
    /// Normal with mean and standard deviation.
    Normal { mean: f64, sd: f64 },
    /// `median * exp(sigma * Z)`.
    LogNormal { median: f64, sigma: f64 },
    /// Triangular on `[min, max]` with the given mode.
    Triangular { min: f64, mode: f64, max: f64 },
    /// Beta-PERT on `[min, max]` with the given mode and shape 4.
    Pert { min: f64, mode: f64, max: f64 },
    /// Gamma with mean `shape * scale`.
    Gamma { shape: f64, scale: f64 },
    /// The values with the given probabilities.
    Discrete { values: Vec<f64>, probs: Vec<f64> },
    /// Piecewise-linear CDF through the points `(xs[i], ps[i])`.
    Cdf { xs: Vec<f64>, ps: Vec<f64> },
}

/// The forms a user may write, for error messages.
pub const GRAMMAR: &str = "a number, uniform(a, b), normal(mean, sd), lognormal(median, sigma), \
triangular(min, mode, max), pert(min, mode, max), gamma(shape, scale), \
discrete(v1: p1, v2: p2, ...) or cdf(x1: 0, ..., xn: 1)";

/// Tolerance on probabilities that must sum to one.
const PROB_TOL: f64 = 1e-9;

fn parse_number(text: &str, allow_inf: bool) -> Result<f64, String> {
    let t = text.trim();
    let v: f64 = t.parse().map_err(|_| format!("`{t}` is not a number"))?;
    if v.is_nan() {
        return Err("NaN is not a number here".to_string());
    }
    if v.is_infinite() && !(allow_inf && v > 0.0) {
        return Err(format!("`{t}` is not finite; numbers must be finite here"));
    }
    Ok(v)
}

fn parse_pairs(args: &[&str], allow_inf: bool) -> Result<(Vec<f64>, Vec<f64>), String> {
    let mut xs = Vec::with_capacity(args.len());
    let mut ps = Vec::with_capacity(args.len());
    for a in args {
        let (x, p) = a.split_once(':').ok_or_else(|| format!("`{}` should be `value: probability`", a.trim()))?;
        xs.push(parse_number(x, allow_inf)?);
        ps.push(parse_number(p, false)?);
    }
    Ok((xs, ps))
}

impl Dist {
    /// Parses a cell. `allow_inf` admits `inf` as a constant or a discrete value
    /// (used for `agi_delay`, where it means "never").
    pub fn parse(text: &str, allow_inf: bool) -> Result<Dist, String> {
        let t = text.trim();
        let Some(open) = t.find('(') else {
            return parse_number(t, allow_inf).map(Dist::Const).map_err(|e| format!("{e}; expected {GRAMMAR}"));
        };
        if !t.ends_with(')') {
            return Err(format!("missing closing parenthesis; expected {GRAMMAR}"));
        }
        let name = t[..open].trim().to_ascii_lowercase();
        let inner = &t[open + 1..t.len() - 1];
        if inner.contains('(') || inner.contains(')') {
            return Err("distributions cannot be nested".to_string());
        }
        let args: Vec<&str> = if inner.trim().is_empty() { Vec::new() } else { inner.split(',').collect() };
        let nums = |n: usize, names: &str| -> Result<Vec<f64>, String> {
            if args.len() != n {
                return Err(format!("{name} takes {n} arguments ({name}({names})), found {}", args.len()));
            }
            args.iter().map(|a| parse_number(a, false)).collect()
        };
        let d = match name.as_str() {
            "uniform" => {
                let v = nums(2, "a, b")?;
                Dist::Uniform { lo: v[0], hi: v[1] }
            }
            "normal" => {
                let v = nums(2, "mean, sd")?;
                Dist::Normal { mean: v[0], sd: v[1] }
            }
            "lognormal" => {
                let v = nums(2, "median, sigma")?;
                Dist::LogNormal { median: v[0], sigma: v[1] }
            }
            "triangular" => {
                let v = nums(3, "min, mode, max")?;
                Dist::Triangular { min: v[0], mode: v[1], max: v[2] }
            }
            "pert" => {
                let v = nums(3, "min, mode, max")?;
                Dist::Pert { min: v[0], mode: v[1], max: v[2] }
            }
            "gamma" => {
                let v = nums(2, "shape, scale")?;
                Dist::Gamma { shape: v[0], scale: v[1] }
            }
            "discrete" => {
                let (values, probs) = parse_pairs(&args, allow_inf)?;
                Dist::Discrete { values, probs }
            }
            "cdf" => {
                let (xs, ps) = parse_pairs(&args, false)?;
                Dist::Cdf { xs, ps }
            }
            other => {
                return Err(format!("unknown distribution `{other}`; expected {GRAMMAR}"));
            }
        };
        d.validate()?;
        Ok(d)
    }

    /// Checks the distribution's own parameters.
    fn validate(&self) -> Result<(), String> {
        match self {
            Dist::Const(_) => Ok(()),
            Dist::Uniform { lo, hi } if lo >= hi => Err(format!("uniform(a, b) needs a < b, got a = {lo}, b = {hi}")),
            Dist::Normal { sd, .. } if *sd <= 0.0 => Err(format!("normal(mean, sd) needs sd > 0, got {sd}")),
            Dist::LogNormal { median, sigma } if *median <= 0.0 || *sigma <= 0.0 => {
                Err(format!("lognormal(median, sigma) needs median > 0 and sigma > 0, got {median} and {sigma}"))
            }
            Dist::Triangular { min, mode, max } | Dist::Pert { min, mode, max }
                if !(min < max && min <= mode && mode <= max) =>
            {
                Err(format!("needs min <= mode <= max and min < max, got {min}, {mode}, {max}"))
            }
            Dist::Gamma { shape, scale } if *shape <= 0.0 || *scale <= 0.0 => {
                Err(format!("gamma(shape, scale) needs shape > 0 and scale > 0, got {shape} and {scale}"))
            }
            Dist::Discrete { values, probs } => {
                if values.is_empty() {
                    return Err("discrete() needs at least one `value: probability` pair".to_string());
                }
                if let Some(p) = probs.iter().find(|p| !(0.0..=1.0).contains(*p)) {
                    return Err(format!("probabilities must be in [0, 1], got {p}"));
                }
                let sum: f64 = probs.iter().sum();
                if (sum - 1.0).abs() > PROB_TOL {
                    return Err(format!("discrete probabilities must sum to 1, they sum to {sum}"));
                }
                Ok(())
            }
            Dist::Cdf { xs, ps } => {
                if xs.len() < 2 {
                    return Err("cdf() needs at least two points `x: p`".to_string());
                }
                if ps[0] != 0.0 || ps[ps.len() - 1] != 1.0 {
                    return Err("cdf() must start at probability 0 and end at probability 1".to_string());
                }
                if xs.windows(2).any(|w| w[0] >= w[1]) {
                    return Err("cdf() needs strictly increasing x values".to_string());
                }
                if ps.windows(2).any(|w| w[0] > w[1]) {
                    return Err("cdf() needs non-decreasing probabilities".to_string());
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// True for a constant.
    pub fn is_constant(&self) -> bool {
        matches!(self, Dist::Const(_))
    }

    /// The constant's value, if this is one.
    pub fn constant(&self) -> Option<f64> {
        match self {
            Dist::Const(v) => Some(*v),
            _ => None,
        }
    }

    /// The closed hull of the values the distribution can take, with flags
    /// telling whether each end can be reached.
    pub fn support(&self) -> Support {
        let closed = |lo: f64, hi: f64| Support { lo, lo_closed: true, hi, hi_closed: true };
        match self {
            Dist::Const(v) => closed(*v, *v),
            Dist::Uniform { lo, hi } => closed(*lo, *hi),
            Dist::Normal { .. } => {
                Support { lo: f64::NEG_INFINITY, lo_closed: false, hi: f64::INFINITY, hi_closed: false }
            }
            Dist::LogNormal { .. } | Dist::Gamma { .. } => {
                Support { lo: 0.0, lo_closed: false, hi: f64::INFINITY, hi_closed: false }
            }
            Dist::Triangular { min, max, .. } | Dist::Pert { min, max, .. } => closed(*min, *max),
            Dist::Discrete { values, probs } => {
                let reachable = values.iter().zip(probs).filter(|(_, p)| **p > 0.0).map(|(v, _)| *v);
                let lo = reachable.clone().fold(f64::INFINITY, f64::min);
                let hi = reachable.fold(f64::NEG_INFINITY, f64::max);
                closed(lo, hi)
            }
            Dist::Cdf { xs, .. } => closed(xs[0], xs[xs.len() - 1]),
        }
    }

    /// Builds the sampler used in the simulation.
    pub fn sampler(&self) -> Result<Sampler, String> {
        let e = |err: &dyn fmt::Display| format!("invalid parameters: {err}");
        Ok(match self {
            Dist::Const(v) => Sampler::Const(*v),
            Dist::Uniform { lo, hi } => Sampler::Uniform(Uniform::new_inclusive(*lo, *hi).map_err(|x| e(&x))?),
            Dist::Normal { mean, sd } => Sampler::Normal(Normal::new(*mean, *sd).map_err(|x| e(&x))?),
            Dist::LogNormal { median, sigma } => {
                Sampler::LogNormal(LogNormal::new(median.ln(), *sigma).map_err(|x| e(&x))?)
            }
            Dist::Triangular { min, mode, max } => {
                Sampler::Triangular(Triangular::new(*min, *max, *mode).map_err(|x| e(&x))?)
            }
            Dist::Pert { min, mode, max } => {
                Sampler::Pert(Pert::new(*min, *max).with_shape(4.0).with_mode(*mode).map_err(|x| e(&x))?)
            }
            Dist::Gamma { shape, scale } => Sampler::Gamma(Gamma::new(*shape, *scale).map_err(|x| e(&x))?),
            Dist::Discrete { values, probs } => {
                Sampler::Discrete(WeightedIndex::new(probs.iter().copied()).map_err(|x| e(&x))?, values.clone())
            }
            Dist::Cdf { xs, ps } => Sampler::Cdf { xs: xs.clone(), ps: ps.clone() },
        })
    }
}

impl fmt::Display for Dist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pairs = |f: &mut fmt::Formatter<'_>, name: &str, a: &[f64], b: &[f64]| {
            let items: Vec<String> = a.iter().zip(b).map(|(x, p)| format!("{x}: {p}")).collect();
            write!(f, "{name}({})", items.join(", "))
        };
        match self {
            Dist::Const(v) => write!(f, "{v}"),
            Dist::Uniform { lo, hi } => write!(f, "uniform({lo}, {hi})"),
            Dist::Normal { mean, sd } => write!(f, "normal({mean}, {sd})"),
            Dist::LogNormal { median, sigma } => write!(f, "lognormal({median}, {sigma})"),
            Dist::Triangular { min, mode, max } => write!(f, "triangular({min}, {mode}, {max})"),
            Dist::Pert { min, mode, max } => write!(f, "pert({min}, {mode}, {max})"),
            Dist::Gamma { shape, scale } => write!(f, "gamma({shape}, {scale})"),
            Dist::Discrete { values, probs } => pairs(f, "discrete", values, probs),
            Dist::Cdf { xs, ps } => pairs(f, "cdf", xs, ps),
        }
    }
}

/// The hull of a distribution's values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Support {
    /// Lower end.
    pub lo: f64,
    /// Whether `lo` itself can be drawn.
    pub lo_closed: bool,
    /// Upper end.
    pub hi: f64,
    /// Whether `hi` itself can be drawn.
    pub hi_closed: bool,
}

/// The set of values a parameter may take (MODEL.md §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// `> 0`
    Positive,
    /// `>= 0`
    NonNegative,
    /// `> -1` (growth and discount rates)
    AboveMinusOne,
    /// `[0, 1]`
    UnitInterval,
    /// any real number
    Any,
}

impl Domain {
    /// The rule in words, e.g. `> 0`.
    pub fn describe(self) -> &'static str {
        match self {
            Domain::Positive => "> 0",
            Domain::NonNegative => ">= 0",
            Domain::AboveMinusOne => "> -1",
            Domain::UnitInterval => "in [0, 1]",
            Domain::Any => "any real number",
        }
    }

    fn lower_ok(self, lo: f64, closed: bool) -> bool {
        let above = |bound: f64| lo > bound || (lo == bound && !closed);
        match self {
            Domain::Positive => above(0.0),
            Domain::NonNegative | Domain::UnitInterval => lo >= 0.0,
            Domain::AboveMinusOne => above(-1.0),
            Domain::Any => true,
        }
    }

    fn upper_ok(self, hi: f64) -> bool {
        match self {
            Domain::UnitInterval => hi <= 1.0,
            _ => true,
        }
    }

    /// Checks that every value `dist` can take lies in the domain; the error
    /// names the offending end and suggests a distribution that fits.
    pub fn check(self, dist: &Dist) -> Result<(), String> {
        let s = dist.support();
        if self.lower_ok(s.lo, s.lo_closed) && self.upper_ok(s.hi) {
            return Ok(());
        }
        Err(match dist {
            Dist::Const(_) | Dist::Discrete { .. } => format!("must be {}", self.describe()),
            Dist::Normal { .. } => format!(
                "a normal can take any value but this parameter must be {}: use a lognormal, gamma or bounded distribution",
                self.describe()
            ),
            _ => format!(
                "its values reach {} but this parameter must be {}",
                if self.lower_ok(s.lo, s.lo_closed) { s.hi } else { s.lo },
                self.describe()
            ),
        })
    }
}

/// A sampler built once from a validated [`Dist`]; [`Sampler::sample`] does not allocate.
#[derive(Debug, Clone)]
pub enum Sampler {
    /// A constant.
    Const(f64),
    /// Uniform.
    Uniform(Uniform<f64>),
    /// Normal.
    Normal(Normal<f64>),
    /// Lognormal.
    LogNormal(LogNormal<f64>),
    /// Triangular.
    Triangular(Triangular<f64>),
    /// Beta-PERT.
    Pert(Pert<f64>),
    /// Gamma.
    Gamma(Gamma<f64>),
    /// Discrete values with weights.
    Discrete(WeightedIndex<f64>, Vec<f64>),
    /// Piecewise-linear CDF through `(xs[i], ps[i])`, sampled by inversion.
    #[allow(missing_docs)]
    Cdf { xs: Vec<f64>, ps: Vec<f64> },
}

impl Sampler {
    /// Draws one value.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Sampler::Const(v) => *v,
            Sampler::Uniform(d) => d.sample(rng),
            Sampler::Normal(d) => d.sample(rng),
            Sampler::LogNormal(d) => d.sample(rng),
            Sampler::Triangular(d) => d.sample(rng),
            Sampler::Pert(d) => d.sample(rng),
            Sampler::Gamma(d) => d.sample(rng),
            Sampler::Discrete(w, values) => values[w.sample(rng)],
            Sampler::Cdf { xs, ps } => invert_piecewise_cdf(xs, ps, rng.random::<f64>()),
        }
    }
}

/// The `u`-quantile of the piecewise-linear CDF through `(xs, ps)`.
fn invert_piecewise_cdf(xs: &[f64], ps: &[f64], u: f64) -> f64 {
    // First segment whose right end has probability > u (flat segments are skipped).
    let i = ps.partition_point(|p| *p <= u).clamp(1, ps.len() - 1);
    let (p0, p1) = (ps[i - 1], ps[i]);
    if p1 <= p0 {
        return xs[i];
    }
    xs[i - 1] + (u - p0) / (p1 - p0) * (xs[i] - xs[i - 1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::ChaCha8Rng;

    fn mean_of(d: &Dist, n: usize) -> f64 {
        let s = d.sampler().unwrap();
        let mut rng = ChaCha8Rng::from_seed([7; 32]);
        (0..n).map(|_| s.sample(&mut rng)).sum::<f64>() / n as f64
    }

    #[test]
    fn every_form_of_the_grammar_parses_and_prints_back() {
        for text in [
            "0.35",
            "uniform(1, 2)",
            "normal(0.1, 0.05)",
            "lognormal(7, 0.8)",
            "triangular(1.5, 2, 3)",
            "pert(1, 2, 5)",
            "gamma(2, 0.5)",
            "discrete(0: 0.5, 1: 0.5)",
            "cdf(0: 0, 1: 0.3, 4: 1)",
        ] {
            let d = Dist::parse(text, false).unwrap();
            assert_eq!(d.to_string(), text);
            assert_eq!(Dist::parse(&d.to_string(), false).unwrap(), d);
        }
        assert_eq!(Dist::parse(" LogNormal( 7 ,0.8 ) ", false).unwrap().to_string(), "lognormal(7, 0.8)");
    }

    #[test]
    fn malformed_cells_say_what_is_wrong() {
        let cases = [
            ("abc", "not a number"),
            ("nan", "NaN"),
            ("inf", "not finite"),
            ("uniform(1, 2", "closing parenthesis"),
            ("uniform(1)", "takes 2 arguments"),
            ("uniform(2, 1)", "a < b"),
            ("normal(0, 0)", "sd > 0"),
            ("lognormal(-1, 0.5)", "median > 0"),
            ("triangular(1, 5, 3)", "min <= mode <= max"),
            ("gamma(0, 1)", "shape > 0"),
            ("weibull(1, 2)", "unknown distribution `weibull`"),
            ("discrete(1: 0.5, 2: 0.4)", "sum to 1"),
            ("discrete(1 0.5)", "value: probability"),
            ("cdf(0: 0.1, 1: 1)", "start at probability 0"),
            ("cdf(0: 0, 0: 1)", "strictly increasing"),
            ("uniform(normal(1, 2), 3)", "nested"),
        ];
        for (text, expect) in cases {
            let err = Dist::parse(text, false).unwrap_err();
            assert!(err.contains(expect), "{text}: {err}");
        }
    }

    #[test]
    fn infinity_is_accepted_only_where_allowed() {
        assert_eq!(Dist::parse("inf", true).unwrap(), Dist::Const(f64::INFINITY));
        assert!(Dist::parse("-inf", true).is_err());
        let d = Dist::parse("discrete(2: 0.5, inf: 0.5)", true).unwrap();
        assert_eq!(d.support().hi, f64::INFINITY);
        assert!(Dist::parse("uniform(1, inf)", true).is_err());
    }

    #[test]
    fn support_outside_the_domain_is_refused() {
        let normal = Dist::parse("normal(20, 5)", false).unwrap();
        assert!(Domain::Positive.check(&normal).unwrap_err().contains("lognormal"));
        assert!(Domain::Any.check(&normal).is_ok());
        let lognormal = Dist::parse("lognormal(20, 0.5)", false).unwrap();
        assert!(Domain::Positive.check(&lognormal).is_ok());
        assert!(Domain::UnitInterval.check(&lognormal).is_err());
        // uniform(0, 1) reaches 0, which a positive parameter must not take.
        let u = Dist::parse("uniform(0, 1)", false).unwrap();
        assert!(Domain::Positive.check(&u).is_err());
        assert!(Domain::NonNegative.check(&u).is_ok());
        assert!(Domain::UnitInterval.check(&u).is_ok());
        assert!(Domain::AboveMinusOne.check(&Dist::Const(-1.0)).is_err());
        assert!(Domain::AboveMinusOne.check(&Dist::Const(-0.99)).is_ok());
        let tri = Dist::parse("triangular(0.5, 0.9, 1.2)", false).unwrap();
        assert!(Domain::UnitInterval.check(&tri).unwrap_err().contains("1.2"));
    }

    #[test]
    fn sample_means_match_the_closed_forms() {
        let n = 200_000;
        let cases = [
            ("uniform(1, 3)", 2.0, 0.01),
            ("normal(5, 2)", 5.0, 0.02),
            ("lognormal(7, 0.8)", 7.0 * (0.32f64).exp(), 0.05),
            ("triangular(1, 2, 6)", 3.0, 0.01),
            ("pert(1, 2, 6)", (1.0 + 8.0 + 6.0) / 6.0, 0.01),
            ("gamma(2, 0.5)", 1.0, 0.01),
            ("discrete(1: 0.25, 3: 0.75)", 2.5, 0.01),
            ("cdf(0: 0, 1: 0.5, 3: 1)", 0.25 + 1.0, 0.01),
        ];
        for (text, mean, tol) in cases {
            let got = mean_of(&Dist::parse(text, false).unwrap(), n);
            assert!((got - mean).abs() < tol, "{text}: mean {got}, expected {mean}");
        }
    }

    #[test]
    fn parsing_never_panics_on_arbitrary_text() {
        use rand::RngExt;
        let alphabet: Vec<char> = "uniformlgtacdesp(),:;.-+0123456789eEinfNa \t()()::".chars().collect();
        let mut rng = ChaCha8Rng::from_seed([9; 32]);
        for _ in 0..50_000 {
            let len = rng.random_range(0..24);
            let text: String = (0..len).map(|_| alphabet[rng.random_range(0..alphabet.len())]).collect();
            for allow_inf in [false, true] {
                if let Ok(d) = Dist::parse(&text, allow_inf) {
                    // Whatever parses can be checked and sampled.
                    let _ = Domain::Positive.check(&d);
                    if let Ok(s) = d.sampler() {
                        let _ = s.sample(&mut rng);
                    }
                }
            }
            let _ = crate::date::Date::parse(&text);
        }
        for extreme in [
            "uniform(-1e308, 1e308)",
            "normal(1e308, 1e308)",
            "lognormal(1e-300, 700)",
            "triangular(-1e308, 0, 1e308)",
            "pert(-1e308, 1e308, 1e308)",
            "pert(0, 0, 1e-300)",
            "gamma(1e-300, 1e308)",
            "gamma(1e300, 1e-300)",
            "discrete(1: 1e-320, 2: 1)",
            "cdf(-1e308: 0, 1e308: 1)",
        ] {
            if let Ok(Ok(s)) = Dist::parse(extreme, false).as_ref().map(Dist::sampler) {
                for _ in 0..100 {
                    let _ = s.sample(&mut rng);
                }
            }
        }
    }

    #[test]
    fn piecewise_cdf_inversion_is_exact_at_the_knots_and_skips_flat_parts() {
        let xs = [0.0, 1.0, 2.0, 4.0];
        let ps = [0.0, 0.5, 0.5, 1.0];
        assert_eq!(invert_piecewise_cdf(&xs, &ps, 0.0), 0.0);
        assert_eq!(invert_piecewise_cdf(&xs, &ps, 0.25), 0.5);
        assert_eq!(invert_piecewise_cdf(&xs, &ps, 0.5), 2.0);
        assert_eq!(invert_piecewise_cdf(&xs, &ps, 0.75), 3.0);
    }
}
