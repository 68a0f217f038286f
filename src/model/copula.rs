//! Correlated scenario parameters (MODEL.md §7, "Correlated parameters"): a
//! Gaussian copula with rank correlations.
//!
//! The method, for the `k` parameters a scenario correlates:
//!
//! 1. draw independent standard normals `Z_1..Z_k`, parameter `j`'s from its own
//!    `param/<column>` stream (so each keeps its own stream, see
//!    [`crate::streams`]);
//! 2. set `X = L Z`, with `L` the lower Cholesky factor of the matrix `C` whose
//!    diagonal is 1 and whose entry `(i, j)` is `2 sin(pi rho_ij / 6)`, `rho_ij`
//!    the rank (Spearman) correlation asked for the pair (0 for a pair not named);
//! 3. draw parameter `j` as `F_j^-1(Phi(X_j))`, `F_j^-1` the quantile function of
//!    its distribution ([`crate::Dist::quantile`]).
//!
//! Each `X_j` is standard normal, so each parameter keeps its own distribution
//! exactly; the pairs are joined by the Gaussian copula of `C`. For a bivariate
//! normal with Pearson correlation `r`, Spearman's rank correlation is
//! `(6 / pi) asin(r / 2)` (Pearson, 1907; see Kruskal, "Ordinal measures of
//! association", JASA 53, 1958), and it is invariant under the increasing maps
//! `F_j^-1 o Phi`: hence `r = 2 sin(pi rho / 6)` gives rank correlation `rho`
//! (exactly for continuous distributions; ties of a `discrete` parameter lower it).
//! This is the construction of Iman and Conover (1982) in its Gaussian-copula
//! form, as used by risk-analysis tools.
//!
//! The parameters are ordered as the scenario columns are ([`ScenarioParam::ALL`]),
//! whatever the order of the pairs, so the draws do not depend on how a
//! correlation file is sorted. `C` must be positive definite: a set of pairwise
//! correlations that no joint distribution can have (0.9, 0.9 and -0.9 among three
//! parameters) is refused, as is a rank correlation of ±1 (a singular `C`).

use super::ScenarioParam;
use crate::choice::Choice;
use crate::error::Invalid;

/// The rank (Spearman) correlation asked between two scenario parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Correlation {
    /// One parameter.
    pub a: ScenarioParam,
    /// The other, a different one.
    pub b: ScenarioParam,
    /// Spearman's rank correlation, in `[-1, 1]`.
    pub rank: f64,
}

impl Correlation {
    /// Whether `other` names the same two parameters, in either order.
    pub fn same_pair(&self, other: &Correlation) -> bool {
        (self.a == other.a && self.b == other.b) || (self.a == other.b && self.b == other.a)
    }
}

/// The Gaussian correlation `2 sin(pi rho / 6)` that gives rank correlation `rho`
/// between two continuous variables joined by a Gaussian copula.
///
/// ```
/// use revshare::model::copula::pearson_of_rank;
/// assert_eq!(pearson_of_rank(0.0), 0.0);
/// assert!((pearson_of_rank(1.0) - 1.0).abs() < 1e-15);
/// assert!((pearson_of_rank(0.5) - 0.5176380902050415).abs() < 1e-15);
/// ```
pub fn pearson_of_rank(rho: f64) -> f64 {
    2.0 * (std::f64::consts::PI * rho / 6.0).sin()
}

/// The correlated parameters of one scenario and the Cholesky factor of their
/// Gaussian correlation matrix, computed once.
///
/// ```
/// use revshare::model::copula::{Copula, Correlation};
/// use revshare::ScenarioParam::{AgiDelay, Growth0};
/// let c = Copula::new(&[Correlation { a: AgiDelay, b: Growth0, rank: -0.5 }])?;
/// assert_eq!(c.params(), [Growth0, AgiDelay]); // in column order
/// let mut z = [1.0, 0.0];
/// c.correlate(&mut z);
/// assert!((z[1] - revshare::model::copula::pearson_of_rank(-0.5)).abs() < 1e-15);
/// # Ok::<(), revshare::Invalid>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Copula {
    params: Vec<ScenarioParam>,
    pairs: Vec<Correlation>,
    /// `L`, row-major `k x k`, lower triangular.
    chol: Vec<f64>,
}

impl Copula {
    /// Checks the pairs (two different parameters, a rank correlation in `[-1, 1]`,
    /// each pair once) and factors their Gaussian correlation matrix; refuses one
    /// that is not positive definite.
    pub fn new(pairs: &[Correlation]) -> Result<Copula, Invalid> {
        if pairs.is_empty() {
            return Err("no correlation was given".into());
        }
        for (i, c) in pairs.iter().enumerate() {
            if c.a == c.b {
                return Err(format!("`{}` is paired with itself; name two different parameters", c.a.name()).into());
            }
            if !(c.rank.is_finite() && (-1.0..=1.0).contains(&c.rank)) {
                return Err(format!("a rank correlation must be a number in [-1, 1], got {}", c.rank).into());
            }
            if pairs[..i].iter().any(|d| c.same_pair(d)) {
                return Err(format!("the pair `{}`, `{}` is given twice", c.a.name(), c.b.name()).into());
            }
        }
        let params: Vec<ScenarioParam> =
            ScenarioParam::ALL.into_iter().filter(|p| pairs.iter().any(|c| c.a == *p || c.b == *p)).collect();
        let k = params.len();
        let at = |p: ScenarioParam| params.iter().position(|q| *q == p).unwrap_or(0);
        let mut m = vec![0.0; k * k];
        for i in 0..k {
            m[i * k + i] = 1.0;
        }
        for c in pairs {
            let (i, j) = (at(c.a), at(c.b));
            let r = pearson_of_rank(c.rank);
            m[i * k + j] = r;
            m[j * k + i] = r;
        }
        let chol = cholesky(&m, k).ok_or_else(|| {
            let names: Vec<&str> = params.iter().map(|p| p.name()).collect();
            let singular = if pairs.iter().any(|c| c.rank.abs() == 1.0) {
                " (a rank correlation of 1 or -1 makes it singular: use 0.99 or -0.99)"
            } else {
                ""
            };
            Invalid(format!(
                "the rank correlations among {} give a correlation matrix that is not positive definite{singular}, \
                 so no joint distribution has them all; weaken some of them or make them agree (if a and b move \
                 together and b and c too, a and c cannot move apart)",
                names.join(", ")
            ))
        })?;
        Ok(Copula { params, pairs: pairs.to_vec(), chol })
    }

    /// The correlated parameters, in column order ([`ScenarioParam::ALL`]).
    pub fn params(&self) -> &[ScenarioParam] {
        &self.params
    }

    /// The pairs as given.
    pub fn pairs(&self) -> &[Correlation] {
        &self.pairs
    }

    /// The rank correlation asked between `a` and `b` (0 for a pair not named, 1
    /// for a parameter with itself).
    pub fn rank(&self, a: ScenarioParam, b: ScenarioParam) -> f64 {
        if a == b {
            return 1.0;
        }
        let probe = Correlation { a, b, rank: 0.0 };
        self.pairs.iter().find(|c| c.same_pair(&probe)).map_or(0.0, |c| c.rank)
    }

    /// Turns independent standard normals `z` (one per parameter of
    /// [`Copula::params`], in that order) into correlated ones, `z <- L z`, in
    /// place, without allocating.
    ///
    /// # Panics
    /// If `z` is not as long as [`Copula::params`]: a programming error.
    #[inline]
    pub fn correlate(&self, z: &mut [f64]) {
        let k = self.params.len();
        assert_eq!(z.len(), k, "one normal per correlated parameter");
        // Row i of L z uses z[0..=i] only: from the last row up, each entry is
        // replaced after every row below it has read it.
        for i in (0..k).rev() {
            let row = &self.chol[i * k..i * k + i + 1];
            z[i] = row.iter().zip(&z[..=i]).map(|(l, x)| l * x).sum();
        }
    }
}

/// The lower Cholesky factor of the symmetric `k x k` matrix `m` (row-major), or
/// `None` when `m` is not (numerically) positive definite.
fn cholesky(m: &[f64], k: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..=i {
            let s: f64 = (0..j).map(|p| l[i * k + p] * l[j * k + p]).sum();
            if i == j {
                let d = m[i * k + i] - s;
                // A pivot this small is a matrix singular up to rounding.
                if d.is_nan() || d <= 1e-10 {
                    return None;
                }
                l[i * k + i] = d.sqrt();
            } else {
                l[i * k + j] = (m[i * k + j] - s) / l[j * k + j];
            }
        }
    }
    Some(l)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ScenarioParam::{AgiDelay, Growth0, GrowthInf, PanelLag};

    fn c(a: ScenarioParam, b: ScenarioParam, rank: f64) -> Correlation {
        Correlation { a, b, rank }
    }

    #[test]
    fn the_factor_times_its_transpose_is_the_matrix() {
        let copula =
            Copula::new(&[c(AgiDelay, Growth0, -0.4), c(Growth0, GrowthInf, 0.6), c(GrowthInf, AgiDelay, -0.2)])
                .unwrap();
        assert_eq!(copula.params(), [Growth0, GrowthInf, AgiDelay]);
        let k = 3;
        for i in 0..k {
            for j in 0..k {
                let got: f64 = (0..k).map(|p| copula.chol[i * k + p] * copula.chol[j * k + p]).sum();
                let want = if i == j { 1.0 } else { pearson_of_rank(copula.rank(copula.params[i], copula.params[j])) };
                assert!((got - want).abs() < 1e-14, "({i}, {j}): {got} vs {want}");
            }
        }
    }

    #[test]
    fn inconsistent_or_malformed_pairs_are_refused() {
        let e = Copula::new(&[c(Growth0, GrowthInf, 0.9), c(GrowthInf, AgiDelay, 0.9), c(Growth0, AgiDelay, -0.9)])
            .unwrap_err();
        assert!(e.0.contains("not positive definite"), "{e}");
        assert!(Copula::new(&[c(Growth0, AgiDelay, 1.0)]).unwrap_err().0.contains("singular"));
        assert!(Copula::new(&[c(Growth0, Growth0, 0.5)]).unwrap_err().0.contains("with itself"));
        assert!(Copula::new(&[c(Growth0, PanelLag, 1.5)]).unwrap_err().0.contains("[-1, 1]"));
        assert!(Copula::new(&[c(Growth0, PanelLag, f64::NAN)]).unwrap_err().0.contains("[-1, 1]"));
        let twice = Copula::new(&[c(Growth0, PanelLag, 0.5), c(PanelLag, Growth0, 0.5)]).unwrap_err();
        assert!(twice.0.contains("twice"), "{twice}");
        assert!(Copula::new(&[]).is_err());
    }
}
