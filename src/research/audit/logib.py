"""Regression test of equal pay in the manner of Switzerland's Logib standard analysis (Module 1).

The Swiss Federal Office for Gender Equality (FOGE/EBG) checks equal pay in public procurement with a
standard analysis model (methodology: FOGE, *Methodological approach of the standard analysis model*,
distributed with the ``logib`` R package, admin-ebg/logib, ``methodology/methodology.md``;
methodological design by Silvia Strub, BASS, Bern, as credited in FOGE's *Logib - step-by-step*,
2016). The model is an OLS regression of the log of
standardised (full-time equivalent) monthly pay,

.. math::

    \\ln w_i = \\beta_0 + \\beta_E\\,\\mathrm{Educ}_i + \\beta_X\\,\\mathrm{Exp}_i
        + \\beta_{X2}\\,\\mathrm{Exp}_i^2 + \\beta_T\\,\\mathrm{Tnr}_i
        + \\sum_l \\beta_{S,l}\\,[\\mathrm{Skl}_i = l] + \\sum_p \\beta_{P,p}\\,[\\mathrm{Pos}_i = p]
        + \\beta_F\\,\\mathrm{Female}_i + \\varepsilon_i

with years of education, potential experience ``max(age - education - 6, 0)`` and its square, years
of service, dummies for the required skill level and the professional position, and a female dummy.

The sex effect is reported with Kennedy's (1981) almost unbiased transformation of a dummy coefficient
in a semi-logarithmic equation,

.. math:: \\tau_K = \\exp\\bigl(\\hat\\beta_F - \\widehat{\\mathrm{Var}}(\\hat\\beta_F)/2\\bigr) - 1,

Kennedy, P. E. (1981), "Estimation with correctly interpreted dummy variables in semilogarithmic
equations", *American Economic Review* 71(4), 801. Its interval here is ``exp(beta_F +- t * se) - 1``.

Rating (current Logib Module 1 since January 2024; FOGE, "Adjustments to Logib",
https://www.ebg.admin.ch/en/adjustment-to-logib, and "FAQ: Equal Pay Analysis with Logib",
https://www.ebg.admin.ch/en/faq-equal-pay-analysis-with-logib): the sex effect is first tested against
zero (two-sided t-test, 5% level). If it is not significant the rating is *not significant*; if it is,
its size ``|tau_K|`` is compared with the optional **target value** of 2.5% and the **limit value** of
5% (the former "tolerance threshold"): *at most 2.5%*, *at most 5%* (limit met, target missed) or
*above 5%* (limit exceeded). Since 2024 the thresholds are no longer combined with a second significance
test; that older one-sided test of ``H0: |beta_F| <= 0.05`` against ``|beta_F| > 0.05`` (as in the
``logib`` R package's ``summary``) is still reported as ``p_above_limit`` for comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from research.core.checks import InputError, require_columns
from research.core.results import Result

#: Logib training codes 1-8 and their years of education (FOGE methodology).
TRAINING_YEARS = {1: 17, 2: 15, 3: 14, 4: 15, 5: 13, 6: 12, 7: 11, 8: 7}

RATINGS = ("not significant", "at most 2.5%", "at most 5%", "above 5%")
RATING_TEXT = {
    "not significant": "The sex effect is not statistically significant: the method does not find "
    "a valid difference between women's and men's pay once the factors are taken into account.",
    "at most 2.5%": "The sex effect is statistically significant and at most 2.5%: the target "
    "value is met.",
    "at most 5%": "The sex effect is statistically significant and between 2.5% and 5%: the limit "
    "value is met but the target value is not.",
    "above 5%": "The sex effect is statistically significant and above 5%: the limit value is "
    "exceeded.",
}


def prepare_logib_datalist(
    datalist: pd.DataFrame, *, usual_weekly_hours: float = 40.0, population: int | None = 1
) -> pd.DataFrame:
    """Turn a Logib data sheet (``logib`` R package column names) into model variables.

    Follows the ``logib`` R package's data transformation: missing pay components, activity rate
    and paid hours count as 0; missing weekly hours take ``usual_weekly_hours``; FTE is
    ``weekly_hours * activity_rate / (100 * m)`` with ``m`` the most frequent weekly hours (the
    largest on ties), or ``12 * paid_hours / (52 * m)`` for hourly-paid staff; standardised pay is
    (basic + allowances + 13th month + special payments) / FTE; education years come from the
    training code (:data:`TRAINING_YEARS`); potential experience is ``max(age - education - 6, 0)``.

    Returns a frame with ``sex, standardised_pay, education_years, years_of_service,
    potential_experience, requirement, position`` (one row per employee of ``population``).
    """
    need = [
        "sex",
        "age",
        "training",
        "years_of_service",
        "level_of_requirements",
        "professional_position",
        "activity_rate",
        "paid_hours",
        "basic_wage",
        "allowances",
        "monthly_wage_13",
        "special_payments",
        "weekly_hours",
    ]
    require_columns(datalist, need, role="Logib data sheet")
    d = datalist.copy()
    if population is not None and "population" in d:
        d = d[d["population"].fillna(1) == population]
    for col in (
        "basic_wage",
        "allowances",
        "monthly_wage_13",
        "special_payments",
        "activity_rate",
        "paid_hours",
    ):
        d[col] = pd.to_numeric(d[col], errors="coerce").fillna(0.0)
    hours = pd.to_numeric(d["weekly_hours"], errors="coerce").fillna(usual_weekly_hours)
    counts = hours.value_counts()
    modal = float(counts[counts == counts.max()].index.max())
    fte = hours * d["activity_rate"] / (100 * modal)
    fte = fte.where(fte != 0, 12 * d["paid_hours"] / (52 * modal))
    pay = d[["basic_wage", "allowances", "monthly_wage_13", "special_payments"]].sum(axis=1) / fte
    training = pd.to_numeric(d["training"], errors="coerce")
    bad = ~training.isin(list(TRAINING_YEARS))
    if bad.any():
        raise InputError(f"{int(bad.sum())} rows have a training code outside 1-8.")
    education = training.map(TRAINING_YEARS).astype("float64")
    experience = np.maximum(d["age"].astype("float64") - education - 6, 0)
    return pd.DataFrame(
        {
            "sex": d["sex"].astype("string"),
            "standardised_pay": pay.astype("float64"),
            "education_years": education,
            "years_of_service": d["years_of_service"].astype("float64"),
            "potential_experience": experience,
            "requirement": d["level_of_requirements"].astype("Int64").astype("string"),
            "position": d["professional_position"].astype("Int64").astype("string"),
        }
    ).reset_index(drop=True)


#: Rows of the design built at once: the regression's memory does not grow with the workforce.
_BLOCK_ROWS = 65_536


def _row_blocks(n: int) -> list[slice]:
    return [slice(i, min(i + _BLOCK_ROWS, n)) for i in range(0, n, _BLOCK_ROWS)]


def _level_codes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Each row's level as a code into the levels of a categorical regressor: as text, sorted by
    length then text; the last is the base (treatment dummies for the others)."""
    codes, uniques = pd.factorize(values, sort=False)
    text = [str(u) for u in np.asarray(uniques, dtype=object)]
    levels = sorted(set(text), key=lambda v: (len(v), v))
    position = {lv: i for i, lv in enumerate(levels)}
    lookup = np.array([position[t] for t in text] + [-1], dtype=np.int64)
    return lookup[codes], levels  # a missing value (code -1) is no level


def _drop_aliased(gram: np.ndarray, tol: float = 1e-9) -> list[int]:
    """Columns to keep: those not linearly dependent on earlier ones (as R's ``lm`` drops them).

    Works on the cross-product matrix ``G = X'X``: column ``j`` is aliased when its squared
    residual on the kept columns, ``G_jj - G_jK G_KK^{-1} G_Kj``, is below ``tol * G_jj``.
    """
    kept: list[int] = []
    for j in range(gram.shape[0]):
        if gram[j, j] <= 0:
            continue
        resid = gram[j, j]
        if kept:
            g_kj = gram[kept, j]
            resid -= g_kj @ np.linalg.solve(gram[np.ix_(kept, kept)], g_kj)
        if resid > tol * gram[j, j]:
            kept.append(j)
    return kept


@dataclass(frozen=True)
class LogibResult(Result):
    """The Logib-style regression and its rating.

    Attributes
    ----------
    coef, se, t, df, p_value
        Female coefficient, its OLS standard error, ``t = coef / se``, residual degrees of freedom
        and two-sided p-value.
    kennedy
        Kennedy (1981) estimate ``exp(coef - se^2 / 2) - 1`` in percent (negative: women earn less).
    ci
        Interval of the percentage effect, ``100 * (exp(coef +- t_crit * se) - 1)``.
    p_above_limit
        One-sided p-value of ``H0: |coef| <= limit/100`` (the pre-2024 second test).
    rating
        One of :data:`RATINGS`.
    r2, n, n_female, n_male
        Fit and sample sizes.
    coefficients
        Every coefficient with its SE (aliased columns dropped, as R does).
    """

    coef: float
    se: float
    t: float
    df: int
    p_value: float
    kennedy: float
    ci: tuple[float, float]
    p_above_limit: float
    rating: str
    r2: float
    n: int
    n_female: int
    n_male: int
    coefficients: pd.DataFrame
    level: float = 0.95
    limit: float = 5.0
    target: float = 2.5
    dropped: tuple[str, ...] = field(default_factory=tuple)
    title: str = "Logib-style regression test of equal pay"

    @property
    def abs_t(self) -> float:
        return abs(self.t)

    @property
    def rating_text(self) -> str:
        return RATING_TEXT[self.rating]

    def to_frame(self) -> pd.DataFrame:
        rows = [
            ("Women's pay compared with men's, other factors equal (Kennedy, %)", self.kennedy),
            (f"{self.level:.0%} interval, low (%)", self.ci[0]),
            (f"{self.level:.0%} interval, high (%)", self.ci[1]),
            ("Female coefficient (log points)", self.coef),
            ("Standard error", self.se),
            ("|t|", self.abs_t),
            ("Two-sided p-value (effect = 0)", self.p_value),
            (f"One-sided p-value (effect > {self.limit:g}%)", self.p_above_limit),
            ("Residual degrees of freedom", self.df),
            ("R-squared", self.r2),
            ("Employees (women / men)", f"{self.n:,} ({self.n_female:,} / {self.n_male:,})"),
            ("Rating", self.rating),
        ]
        return pd.DataFrame(rows, columns=["measure", "value"])


def logib_rating(
    p_value: float,
    kennedy_pct: float,
    *,
    alpha: float = 0.05,
    target: float = 2.5,
    limit: float = 5.0,
) -> str:
    """Current Logib Module 1 rating: significance first, then ``|tau_K|`` against 2.5% and 5%.

    Boundaries: an effect of exactly 2.5% is "at most 2.5%", exactly 5% is "at most 5%"; p equal
    to ``alpha`` is not significant (significant means ``p < alpha``).
    """
    if not p_value < alpha:
        return RATINGS[0]
    size = round(abs(kennedy_pct), 9)
    if size <= target:
        return RATINGS[1]
    if size <= limit:
        return RATINGS[2]
    return RATINGS[3]


def logib_regression(
    data: pd.DataFrame,
    *,
    pay: str = "standardised_pay",
    education: str | None = "education_years",
    service: str | None = "years_of_service",
    experience: str | None = "potential_experience",
    categorical: tuple[str, ...] = ("requirement", "position"),
    by: str = "sex",
    reference: str = "M",
    compare: str = "F",
    level: float = 0.95,
    limit: float = 5.0,
    target: float = 2.5,
) -> LogibResult:
    """Fit the Logib standard analysis model and rate the sex effect.

    Parameters
    ----------
    data
        One row per employee, e.g. from :func:`prepare_logib_datalist` or
        :func:`research.audit.workforce_logib_frame`.
    pay
        Standardised (full-time equivalent) pay, > 0; the model uses its natural log.
    education, service, experience
        Numeric regressors (``None`` leaves one out); experience also enters squared.
    categorical
        Columns entered as dummies with the highest level as base (skill level / grade
        requirement, professional position).
    by, reference, compare
        Column of the compared groups, the code of the reference group (men) and of the group
        whose dummy is tested (women): the sex effect is the pay of ``compare`` relative to
        ``reference``.
    limit, target
        Limit and target values in percent (5 and 2.5 in Logib).

    Returns
    -------
    LogibResult
    """
    numeric = [c for c in (education, service, experience) if c is not None]
    require_columns(data, [pay, by, *numeric, *categorical], role="Logib regression")
    keep = data[by].isin([compare, reference]).to_numpy(dtype=bool, na_value=False)
    frame = data.loc[keep].dropna(subset=[pay, *numeric, *categorical])
    y = frame[pay].astype("float64")
    if (y <= 0).any():
        raise InputError(f"Column {pay!r} must be positive for the log-pay regression.")
    is_female = (frame[by] == compare).to_numpy(dtype=float)
    if is_female.sum() == 0 or is_female.sum() == len(frame):
        raise InputError(
            f"The Logib regression needs both {compare!r} and {reference!r} in {by!r} with "
            "complete data."
        )
    numbers = {c: frame[c].to_numpy(dtype=float) for c in numeric}
    names = ["Intercept", *numeric]
    if experience is not None:
        names.append(f"{experience}^2")
    coded = []
    for c in categorical:
        codes, levels = _level_codes(frame[c])
        coded.append((codes, len(levels) - 1))
        names += [f"{c}[{lv}]" for lv in levels[:-1]]
    names.append("female")

    def block(rows: slice) -> np.ndarray:
        """Rows ``rows`` of the design (one block: the design is never built whole)."""
        parts = [np.ones((rows.stop - rows.start, 1))]
        parts += [numbers[c][rows, None] for c in numeric]
        if experience is not None:
            parts.append(numbers[experience][rows, None] ** 2)
        for codes, k in coded:
            parts.append((codes[rows, None] == np.arange(k)[None, :]).astype(float))
        parts.append(is_female[rows, None])
        return np.hstack(parts)

    yv = np.log(y.to_numpy())
    n_rows = yv.size
    gram = np.zeros((len(names), len(names)))
    xty = np.zeros(len(names))
    for rows in _row_blocks(n_rows):
        xb = block(rows)
        gram += xb.T @ xb
        xty += xb.T @ yv[rows]
    index = _drop_aliased(gram)
    kept = [names[j] for j in index]
    if kept[-1] != "female":
        raise InputError(
            "Sex is collinear with the other regressors: the effect is not identified."
        )
    xtx_inv = np.linalg.inv(gram[np.ix_(index, index)])
    beta = xtx_inv @ xty[index]
    rss = 0.0
    for rows in _row_blocks(n_rows):
        resid_b = yv[rows] - block(rows)[:, index] @ beta
        rss += float(resid_b @ resid_b)
    n, k = n_rows, len(index)
    df = n - k
    if df <= 0:
        raise InputError(f"Too few employees ({n}) for {k} regression coefficients.")
    sigma2 = rss / df
    se_all = np.sqrt(np.diag(xtx_inv) * sigma2)
    coef, se = float(beta[-1]), float(se_all[-1])
    t = coef / se
    p = float(2 * stats.t.sf(abs(t), df))
    kennedy = 100 * (np.exp(coef - se**2 / 2) - 1)
    crit = stats.t.ppf(0.5 + level / 2, df)
    ci = (100 * (np.exp(coef - crit * se) - 1), 100 * (np.exp(coef + crit * se) - 1))
    p_limit = float(stats.t.sf((abs(coef) - limit / 100) / se, df))
    r2 = 1 - rss / np.sum((yv - yv.mean()) ** 2)
    coefficients = pd.DataFrame({"term": kept, "coef": beta, "se": se_all})
    return LogibResult(
        coef=coef,
        se=se,
        t=float(t),
        df=int(df),
        p_value=p,
        kennedy=float(kennedy),
        ci=(float(ci[0]), float(ci[1])),
        p_above_limit=p_limit,
        rating=logib_rating(p, kennedy, alpha=0.05, target=target, limit=limit),
        r2=float(r2),
        n=int(n),
        n_female=int(is_female.sum()),
        n_male=int(n - is_female.sum()),
        coefficients=coefficients,
        level=level,
        limit=limit,
        target=target,
        dropped=tuple(c for c in names if c not in kept),
    )


def _age_midpoint(band: pd.Series) -> pd.Series:
    """Mid-point age of bands such as ``"35-44"``, ``"65+"``, ``"OVER 70"``, ``"UNDER 18"``.

    Computed once per distinct band and mapped back (bands are few, employees many).
    """
    codes, uniques = pd.factorize(band)
    distinct = pd.Series(uniques).astype("string").str.upper().str.strip()
    levels = pd.Series(distinct.dropna().unique(), dtype="string")
    nums = levels.str.extractall(r"(\d+)")[0].astype(float).groupby(level=0).agg(["min", "max"])
    nums = nums.reindex(levels.index)
    mid = (nums["min"] + nums["max"]) / 2
    mid = mid.mask(levels.str.contains("UNDER", na=False), nums["min"] - 1.5)
    mid = mid.mask(levels.str.contains(r"OVER|\+", na=False, regex=True), nums["min"] + 3)
    per_value = distinct.map(dict(zip(levels, mid, strict=True))).astype("float64").to_numpy()
    values = np.append(per_value, np.nan)[np.where(codes < 0, len(per_value), codes)]
    return pd.Series(values, index=band.index, dtype="float64")


def workforce_logib_frame(
    data: pd.DataFrame,
    *,
    requirement: str = "grade",
    position: str | None = None,
    school_leaving_age: float = 18.0,
    by: str = "sex",
) -> pd.DataFrame:
    """Logib model variables from a canonical workforce table.

    The canonical table has no education or exact age, so: the grade (or a job evaluation band)
    stands for the **level of requirements** (and for education, which it largely determines);
    **potential experience** is the age-band mid-point minus ``school_leaving_age`` (at least 0);
    **years of service** is the snapshot date minus ``start_date``; standardised pay is full-time
    equivalent annual basic pay. ``position`` (e.g. a management-level column) is optional.
    ``years_of_service`` and ``potential_experience`` are left out when the data has no start
    dates or age bands. ``by`` is the column of the compared groups (kept under its own name).
    """
    require_columns(data, [by, "annual_basic_pay", requirement, position], role="Logib")
    out = pd.DataFrame(
        {
            by: data[by].astype("string"),
            "standardised_pay": data["annual_basic_pay"].astype("float64"),
            "requirement": data[requirement].astype("string"),
        },
        index=data.index,
    )
    if position is not None:
        out["position"] = data[position].astype("string")
    if "start_date" in data and data["start_date"].notna().any():
        out["years_of_service"] = (data["snapshot_date"] - data["start_date"]).dt.days.astype(
            "float64"
        ) / 365.25
    if "age_band" in data and data["age_band"].notna().any():
        age = _age_midpoint(data["age_band"])
        out["potential_experience"] = np.maximum(age - school_leaving_age, 0)
    return out


__all__ = [
    "RATINGS",
    "TRAINING_YEARS",
    "LogibResult",
    "logib_rating",
    "logib_regression",
    "prepare_logib_datalist",
    "workforce_logib_frame",
]
