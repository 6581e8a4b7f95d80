"""The computations behind ``notebooks/30_decomposition.ipynb``.

The notebook only calls these, shows the tables and figures, and narrates. The analysis compares
men (group A) with women (group B), so every gap is ``men - women`` in log hourly pay, positive when
men are paid more, as in the UK statutory gender pay gap. Categories too small in either sex are
pooled first (:func:`~research.decomposition.pool_rare`), at no fewer than the disclosure
threshold, so that every per-category number rests on at least that many women and men.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from research.core.checks import InputError
from research.decomposition import _numeric as nm
from research.decomposition.bmz import BMZResult, brown_moon_zoloth
from research.decomposition.oaxaca import (
    OaxacaResult,
    oaxaca_blinder,
    prepare,
    reference_sensitivity,
)
from research.decomposition.pooling import pool_rare
from research.decomposition.quantile import RIFResult, rif_decomposition
from research.decomposition.reweighting import DFLResult, dfl
from research.present import disclosure, tabulate
from research.present.formats import fmt_int, fmt_money, fmt_pct

MEN, WOMEN = "M", "F"
OUTCOME = "log_hourly_pay"

#: Notebook names of the two-fold references -> oaxaca_blinder's names (A = men, B = women).
REFERENCES = {
    "pooled": "pooled",
    "men": "A",
    "women": "B",
    "neumark": "neumark",
    "reimers": "reimers",
    "cotton": "cotton",
}
REFERENCE_LABELS = {
    "pooled": "Pooled pay structure of women and men (with a sex indicator)",
    "men": "Men's pay structure",
    "women": "Women's pay structure",
    "neumark": "Pooled pay structure (without a sex indicator; Neumark)",
    "reimers": "Average of women's and men's pay structures (Reimers)",
    "cotton": "Headcount-weighted average of the two structures (Cotton)",
}
VARIABLE_LABELS = {
    "occupation_group": "Occupation",
    "grade_group": "Grade",
    "working_pattern": "Working pattern",
    "age_band": "Age band",
    "service_band": "Length of service",
    "_cons": "Baseline (constant)",
}
SERVICE_BANDS = (
    (0, 2, "under 2 years"),
    (2, 5, "2-4 years"),
    (5, 10, "5-9 years"),
    (10, 20, "10-19 years"),
    (20, math.inf, "20 years or more"),
)
#: Largest leverage of one employee in either group's regression before grades are coarsened.
LEVERAGE_LIMIT = 0.25
#: Characteristics whose categories are ordered bands (rare bands merge with a neighbour).
ORDERED = ("grade_group", "age_band", "service_band")
COMPONENT_LABELS = {
    "gap": "Pay gap (men minus women)",
    "explained": "Explained by the characteristics",
    "unexplained": "Unexplained",
    "endowments": "Endowments (characteristics)",
    "coefficients": "Coefficients (pay for the same characteristics)",
    "interaction": "Interaction",
    "within": "Within occupations",
    "within_explained": "Within occupations: explained",
    "within_unexplained": "Within occupations: unexplained",
    "between": "Between occupations (segregation)",
    "between_explained": "Between occupations: explained",
    "between_unexplained": "Between occupations: unexplained",
    "composition": "Composition (characteristics)",
    "structure": "Structure (pay for the same characteristics)",
}


def variable_label(name: str) -> str:
    return VARIABLE_LABELS.get(name, name.replace("_", " ").capitalize())


def parse_quantiles(text: str) -> list[float]:
    """``"0.1, 0.5, 0.9"`` (or percentages ``"10, 50, 90"``) -> sorted probabilities."""
    try:
        values = [float(v) for v in str(text).replace(";", ",").split(",") if v.strip()]
    except ValueError as err:
        raise InputError(
            f"quantiles {text!r} must be numbers separated by commas, e.g. '0.1, 0.5, 0.9'."
        ) from err
    if values and all(v >= 1 for v in values):
        values = [v / 100 for v in values]
    if not values or any(not 0 < v < 1 for v in values):
        raise InputError(f"quantiles {text!r} must lie strictly between 0 and 1 (or 0 and 100).")
    return sorted(set(values))


@dataclass(frozen=True)
class AnalysisFrame:
    """Women and men with the analysis columns, and what was pooled or left out."""

    data: pd.DataFrame
    job: list[str]
    personal: list[str]
    pooled: pd.DataFrame
    dropped: pd.DataFrame
    counts: dict[str, int]
    min_group: int
    notes: list[str] = field(default_factory=list)
    max_leverage: float = float("nan")

    @property
    def covariates(self) -> list[str]:
        return [*self.job, *self.personal]


def _band_key(label: str) -> tuple[float, str]:
    """Sort key of a band label by its first number: ``UNDER 18`` < ``18-25`` < ``OVER 70``."""
    found = re.search(r"\d+(\.\d+)?", label)
    if not found:
        return (math.inf, label)
    value = float(found.group(0))
    upper = label.upper()
    if "UNDER" in upper or "LESS" in upper or upper.startswith("<"):
        value -= 0.5
    elif "OVER" in upper or "+" in label or "MORE" in upper:
        value += 0.5
    return (value, label)


def band_order(values: pd.Series) -> pd.Series:
    """Bands (e.g. age bands) as an ordered categorical, ordered by their numbers."""
    text = values.astype("string").fillna("(missing)")
    levels = sorted(set(text), key=_band_key)
    return pd.Series(
        pd.Categorical(text.to_numpy(dtype=object), categories=levels), index=values.index
    )


def service_bands(data: pd.DataFrame) -> pd.Series:
    """Years from ``start_date`` to ``snapshot_date`` in bands (``"(missing)"`` without a date)."""
    years = (data["snapshot_date"] - data["start_date"]).dt.days / 365.25
    labels = pd.Series("(missing)", index=data.index, dtype=object)
    for low, high, label in SERVICE_BANDS:
        labels[(years >= low) & (years < high)] = label
    order = [b[2] for b in SERVICE_BANDS] + ["(missing)"]
    present = [v for v in order if v in set(labels)]
    return pd.Series(pd.Categorical(labels, categories=present), index=data.index)


def analysis_frame(
    data: pd.DataFrame,
    *,
    occupation_level: str = "occupation",
    min_group: int = 10,
    max_grade_groups: int = 30,
    include_grade: bool = True,
) -> AnalysisFrame:
    """Women and men with log hourly pay and pooled categorical characteristics.

    Columns: ``log_hourly_pay``; job characteristics ``occupation_group`` (the occupation level
    chosen; rare occupations pooled within their job family first) and ``grade_group`` (grades, or
    bands of grade ranks); personal ones ``working_pattern``, ``age_band`` and ``service_band``
    (years since ``start_date``). Every category with fewer than ``min_group`` women or men is
    pooled (bands merge with a neighbour); a characteristic left with one category (or not
    recorded) is dropped, with the reason.

    When grades are nested in occupations (as in pay structures with job-specific grades), a few
    employees can be the only link between some grades and some occupations; every regression
    coefficient then rests on them, and a bootstrap resample without them cannot be estimated.
    So the leverage of every employee in the women's and men's regressions is checked, and grades
    are grouped into fewer bands until no employee's leverage exceeds :data:`LEVERAGE_LIMIT`.
    """
    bands = max_grade_groups
    notes: list[str] = []
    while True:
        af = _analysis_frame(
            data,
            occupation_level=occupation_level,
            min_group=min_group,
            max_grade_groups=bands,
            include_grade=include_grade,
        )
        leverage = max_leverage(af)
        if leverage <= LEVERAGE_LIMIT or "grade_group" not in af.data:
            break
        current = af.data["grade_group"].nunique()
        if current <= 3:
            notes.append(
                f"Some regression coefficients rest on very few employees (largest leverage "
                f"{leverage:.2f}); treat the detailed results with caution."
            )
            break
        bands = max(3, min(bands, current) * 2 // 3)
        notes[:] = [
            f"Grades were grouped into at most {bands} bands of grade ranks: with finer grades a "
            "few employees were the only link between some grades and some occupations, so the "
            "estimates (and any bootstrap resample without them) would rest on them alone."
        ]
    return AnalysisFrame(
        data=af.data,
        job=af.job,
        personal=af.personal,
        pooled=af.pooled,
        dropped=af.dropped,
        counts=af.counts,
        min_group=af.min_group,
        notes=notes,
        max_leverage=leverage,
    )


@nm.single_threaded
def max_leverage(af: AnalysisFrame) -> float:
    """Largest leverage ``h_ii`` of any employee in the women's or the men's regression.

    1.0 when the covariates are collinear in one group (a coefficient rests on nobody).
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            prep = prepare(
                af.data, OUTCOME, af.covariates, "sex", group_a=MEN, group_b=WOMEN, one_sided="drop"
            )
    except InputError:
        return 1.0
    largest = 0.0
    for Z, w in zip(prep.Z, prep.w, strict=True):
        S = (Z * w[:, None]).T @ Z
        h = w * ((Z @ np.linalg.inv(S)) * Z).sum(axis=1)
        largest = max(largest, float(h.max()))
    return largest


def _analysis_frame(
    data: pd.DataFrame,
    *,
    occupation_level: str,
    min_group: int,
    max_grade_groups: int,
    include_grade: bool,
) -> AnalysisFrame:
    n_read = len(data)
    sex = data["sex"].astype("string")
    binary = data.loc[sex.isin([MEN, WOMEN]).to_numpy()]
    pay = binary["hourly_pay"].astype("float64")
    usable = pay.notna() & (pay > 0)
    frame = binary.loc[usable.to_numpy()].copy()
    out = pd.DataFrame(
        {
            "sex": frame["sex"].astype("string").astype(object).to_numpy(),
            OUTCOME: np.log(frame["hourly_pay"].astype("float64").to_numpy()),
            "hourly_pay": frame["hourly_pay"].astype("float64").to_numpy(),
        },
        index=frame.index,
    )
    candidates: dict[str, pd.Series] = {}
    if occupation_level in frame and frame[occupation_level].notna().any():
        candidates["occupation_group"] = tabulate.occupation_labels(frame, occupation_level)
    if include_grade and "grade" in frame and frame["grade"].notna().any():
        candidates["grade_group"] = tabulate.grade_groups(frame, max_groups=max_grade_groups)
    if "working_pattern" in frame and frame["working_pattern"].notna().any():
        candidates["working_pattern"] = (
            frame["working_pattern"].astype("string").fillna("(missing)")
        )
    if "age_band" in frame and frame["age_band"].notna().any():
        candidates["age_band"] = band_order(frame["age_band"])
    if "start_date" in frame and frame["start_date"].notna().any():
        candidates["service_band"] = service_bands(frame)
    parent = None
    has_family = "job_family" in frame and frame["job_family"].notna().any()
    if occupation_level in ("occupation", "occupation_title") and has_family:
        parent = frame["job_family"]
    pooled_rows, dropped_rows = [], []
    for name in ("occupation_group", "grade_group", "working_pattern", "age_band", "service_band"):
        if name not in candidates:
            reason = (
                "not requested" if name == "grade_group" and not include_grade else "not recorded"
            )
            dropped_rows.append({"variable": variable_label(name), "reason": reason})
            continue
        result = pool_rare(
            candidates[name],
            out["sex"],
            min_count=min_group,
            groups_compared=(MEN, WOMEN),
            names=("men", "women"),
            parent=parent if name == "occupation_group" else None,
            ordered=name in ORDERED,
        )
        for _, row in result.table.iterrows():
            pooled_rows.append(
                {
                    "variable": variable_label(name),
                    "category": row["category"],
                    "reason": row["reason"],
                    "pooled_into": row["pooled_into"],
                }
            )
        if len(result.order) < 2:
            dropped_rows.append(
                {
                    "variable": variable_label(name),
                    "reason": f"fewer than two categories with {min_group} or more women and men",
                }
            )
            continue
        out[name] = pd.Categorical(result.values.to_numpy(), categories=result.order)
    job = [c for c in ("occupation_group", "grade_group") if c in out]
    personal = [c for c in ("working_pattern", "age_band", "service_band") if c in out]
    counts = {
        "read": n_read,
        "other_sex": int(n_read - len(binary)),
        "no_pay": int((~usable).sum()),
        "men": int((out["sex"] == MEN).sum()),
        "women": int((out["sex"] == WOMEN).sum()),
    }
    if counts["men"] < min_group or counts["women"] < min_group:
        raise InputError(
            f"The data have {counts['men']} men and {counts['women']} women with hourly pay; a "
            f"decomposition needs at least {min_group} of each."
        )
    return AnalysisFrame(
        data=out,
        job=job,
        personal=personal,
        pooled=pd.DataFrame(pooled_rows, columns=["variable", "category", "reason", "pooled_into"]),
        dropped=pd.DataFrame(dropped_rows, columns=["variable", "reason"]),
        counts=counts,
        min_group=min_group,
    )


# --------------------------------------------------------------------------------------------
# Running the decompositions
# --------------------------------------------------------------------------------------------


@dataclass
class Decompositions:
    """Every result the notebook shows."""

    ob: OaxacaResult
    sensitivity: pd.DataFrame
    bmz: BMZResult | None
    rif: RIFResult
    dfl: DFLResult
    notes: list[str] = field(default_factory=list)


@nm.single_threaded
def run(
    af: AnalysisFrame,
    *,
    reference: str = "pooled",
    se: str = "analytic",
    n_boot: int = 200,
    seed: int = 2025,
    quantiles: list[float] | None = None,
) -> Decompositions:
    """Blinder-Oaxaca (and its sensitivity to the reference), BMZ, RIF and DFL on ``af``."""
    if reference not in REFERENCES:
        raise InputError(f"reference {reference!r} is not one of {', '.join(REFERENCES)}.")
    quantiles = quantiles or [0.1, 0.25, 0.5, 0.75, 0.9]
    data, covariates = af.data, af.covariates
    notes: list[str] = []
    common = {"group_a": MEN, "group_b": WOMEN}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ob = oaxaca_blinder(
            data,
            OUTCOME,
            covariates,
            "sex",
            reference=REFERENCES[reference],
            normalize=True,
            se=se,
            n_boot=n_boot,
            seed=seed,
            one_sided="drop",
            **common,
        )
        sens = reference_sensitivity(
            data,
            OUTCOME,
            covariates,
            "sex",
            references=list(REFERENCES.values()),
            one_sided="drop",
            **common,
        )
        sens.insert(0, "label", [REFERENCE_LABELS[name] for name in REFERENCES])
        bmz = None
        if "occupation_group" in data and data["occupation_group"].nunique() >= 2:
            within = [c for c in covariates if c != "occupation_group"]
            bmz = brown_moon_zoloth(
                data,
                OUTCOME,
                within,
                "sex",
                "occupation_group",
                attainment=af.personal,
                reference="A",
                se="bootstrap",
                n_boot=n_boot,
                seed=seed,
                one_sided="drop",
                **common,
            )
        rif = rif_decomposition(
            data,
            OUTCOME,
            covariates,
            "sex",
            quantiles=quantiles,
            reference=REFERENCES[reference],
            normalize=True,
            se="bootstrap",
            n_boot=n_boot,
            seed=seed,
            one_sided="drop",
            **common,
        )
        reweighted = dfl(
            data,
            OUTCOME,
            covariates,
            "sex",
            reference="B",
            quantiles=quantiles,
            trim="auto",
            se="bootstrap",
            n_boot=n_boot,
            seed=seed,
            **common,
        )
    for w in caught:
        text = str(w.message)
        if text not in notes:
            notes.append(text)
    return Decompositions(ob, sens, bmz, rif, reweighted, af.notes + notes)


# --------------------------------------------------------------------------------------------
# Tables (every one passes through disclosure control where it shows counts or group means)
# --------------------------------------------------------------------------------------------


def points(value: float) -> float:
    """Log difference -> log points (x 100)."""
    return 100.0 * value


def pct_lower(gap: float) -> float:
    """Women's geometric mean pay below men's, in % of men's: ``100 (1 - exp(-gap))``."""
    return 100.0 * (1.0 - math.exp(-gap))


def pay_table(af: AnalysisFrame, *, currency: str, min_cell: int) -> pd.DataFrame:
    """Headcount, geometric and arithmetic mean hourly pay of men and women (small groups hidden)."""
    rows = []
    for code, label in ((MEN, "Men"), (WOMEN, "Women")):
        part = af.data[af.data["sex"] == code]
        rows.append(
            {
                "group": label,
                "n": len(part),
                "geometric_mean_hourly_pay": float(np.exp(part[OUTCOME].mean())),
                "mean_hourly_pay": float(part["hourly_pay"].mean()),
                "mean_log_hourly_pay": float(part[OUTCOME].mean()),
            }
        )
    table = pd.DataFrame(rows)
    hidden = disclosure.suppress_statistics(
        table,
        "n",
        ["geometric_mean_hourly_pay", "mean_hourly_pay", "mean_log_hourly_pay"],
        min_cell,
    )
    return hidden.table


def _ci_text(low: float, high: float, scale: float = 100.0, digits: int = 1) -> str:
    if not (np.isfinite(low) and np.isfinite(high)):
        return ""
    return f"{scale * low:.{digits}f} to {scale * high:.{digits}f}"


def summary_table(ob: OaxacaResult) -> pd.DataFrame:
    """Two- and three-fold parts in log points with intervals and shares of the gap."""
    frame = ob.to_frame()
    frame = frame[frame["part"] != "means"]
    frame = frame[~frame["component"].isin(["unexplained_a", "unexplained_b"])]
    order = ["gap", "explained", "unexplained", "endowments", "coefficients", "interaction"]
    frame = frame.set_index("component").loc[order].reset_index()
    return pd.DataFrame(
        {
            "part": [
                {"overall": "Total", "twofold": "Two-fold", "threefold": "Three-fold"}[p]
                for p in frame["part"]
            ],
            "component": [COMPONENT_LABELS[c] for c in frame["component"]],
            "points": 100 * frame["estimate"],
            "ci_95": [
                _ci_text(a, b) for a, b in zip(frame["ci_low"], frame["ci_high"], strict=True)
            ],
            "pct_of_gap": frame["pct_of_gap"],
        }
    )


def contributions(ob: OaxacaResult) -> pd.DataFrame:
    """Explained and unexplained contribution of each characteristic (log points, with CIs)."""
    table = ob.by_variable[ob.by_variable["component"].isin(["explained", "unexplained"])].copy()
    gap = ob.gap.value
    table["label"] = table["variable"].map(variable_label)
    table["points"] = 100 * table["estimate"]
    table["ci_low_points"] = 100 * table["ci_low"]
    table["ci_high_points"] = 100 * table["ci_high"]
    table["pct_of_gap"] = 100 * table["estimate"] / gap if gap else np.nan
    return table[
        [
            "variable",
            "label",
            "component",
            "points",
            "ci_low_points",
            "ci_high_points",
            "pct_of_gap",
        ]
    ].reset_index(drop=True)


def contributions_table(ob: OaxacaResult) -> pd.DataFrame:
    """Wide: one row per characteristic, explained and unexplained side by side."""
    long = contributions(ob)
    rows = []
    for variable in dict.fromkeys(long["variable"]):
        part = long[long["variable"] == variable].set_index("component")
        if variable == "_cons" and abs(part.loc["explained", "points"]) < 1e-9:
            label = "Baseline (constant): pay differences common to everyone"
        else:
            label = variable_label(variable)
        rows.append(
            {
                "characteristic": label,
                "explained_points": part.loc["explained", "points"],
                "explained_ci": _ci_text(
                    part.loc["explained", "ci_low_points"],
                    part.loc["explained", "ci_high_points"],
                    scale=1.0,
                ),
                "explained_pct_of_gap": part.loc["explained", "pct_of_gap"],
                "unexplained_points": part.loc["unexplained", "points"],
                "unexplained_ci": _ci_text(
                    part.loc["unexplained", "ci_low_points"],
                    part.loc["unexplained", "ci_high_points"],
                    scale=1.0,
                ),
            }
        )
    return pd.DataFrame(rows)


def category_table(ob: OaxacaResult, variable: str) -> pd.DataFrame:
    """Explained contribution of each category of one characteristic (normalised; log points)."""
    d = ob.detailed
    part = d[(d["variable"] == variable) & (d["component"].isin(["explained", "unexplained"]))]
    means = ob.means[ob.means["variable"] == variable].set_index("term")
    wide = part.pivot_table(index="term", columns="component", values="estimate", sort=False)
    wide = wide.reindex(part["term"].drop_duplicates())
    return pd.DataFrame(
        {
            "category": [t.split(": ", 1)[-1] for t in wide.index],
            "pct_of_men": 100 * means.loc[wide.index, "mean_a"].to_numpy(),
            "pct_of_women": 100 * means.loc[wide.index, "mean_b"].to_numpy(),
            "explained_points": 100 * wide["explained"].to_numpy(),
            "unexplained_points": 100 * wide["unexplained"].to_numpy(),
        }
    )


def sensitivity_table(dec: Decompositions) -> pd.DataFrame:
    t = dec.sensitivity
    return pd.DataFrame(
        {
            "reference": t["label"],
            "explained_points": 100 * t["explained"],
            "explained_se": 100 * t["explained_se"],
            "unexplained_points": 100 * t["unexplained"],
            "unexplained_se": 100 * t["unexplained_se"],
            "pct_explained": t["pct_explained"],
        }
    )


def bmz_table(bmz: BMZResult) -> pd.DataFrame:
    frame = bmz.to_frame()
    order = [
        "gap",
        "between",
        "between_explained",
        "between_unexplained",
        "within",
        "within_explained",
        "within_unexplained",
    ]
    frame = frame.set_index("component").loc[order].reset_index()
    return pd.DataFrame(
        {
            "component": [COMPONENT_LABELS[c] for c in frame["component"]],
            "points": 100 * frame["estimate"],
            "ci_95": [
                _ci_text(a, b) for a, b in zip(frame["ci_low"], frame["ci_high"], strict=True)
            ],
            "pct_of_gap": frame["pct_of_gap"],
        }
    )


def occupation_table(bmz: BMZResult, *, min_cell: int, top: int = 12) -> pd.DataFrame:
    """Occupations contributing most to the between-occupation gap, with shares and men's pay.

    An occupation adds to the gap when it pays more than men's average and employs a larger share
    of men than of women. Headcounts below ``min_cell`` are hidden, and so are the shares and
    means that rest on them.
    """
    t = bmz.by_occupation.copy()
    t["between"] = t["between_explained"] + t["between_unexplained"]
    t = t.reindex(t["between"].abs().sort_values(ascending=False).index).head(top)
    mean_men = float(bmz.by_occupation["p_a"] @ bmz.by_occupation["mean_a"])
    table = pd.DataFrame(
        {
            "occupation": t["occupation"].to_numpy(),
            "n_men": t["n_a"].to_numpy(),
            "n_women": t["n_b"].to_numpy(),
            "pct_of_men": 100 * t["p_a"].to_numpy(),
            "pct_of_women": 100 * t["p_b"].to_numpy(),
            "pct_of_women_predicted": 100 * t["p_hat"].to_numpy(),
            "men_pay_vs_average": 100 * (t["mean_a"].to_numpy() - mean_men),
            "between_points": 100 * t["between"].to_numpy(),
        }
    )
    hidden = disclosure.suppress_statistics(
        table,
        {
            "pct_of_men": "n_men",
            "men_pay_vs_average": "n_men",
            "pct_of_women": "n_women",
            "pct_of_women_predicted": "n_women",
            "between_points": "n_women",
        },
        [
            "pct_of_men",
            "men_pay_vs_average",
            "pct_of_women",
            "pct_of_women_predicted",
            "between_points",
        ],
        min_cell,
    )
    return hidden.table.drop(columns=["n_men", "n_women"])


def quantile_table(rif: RIFResult) -> pd.DataFrame:
    t = rif.table
    wide = {}
    for c in ("gap", "explained", "unexplained"):
        part = t[t["component"] == c].set_index("quantile")
        wide[f"{c}_points"] = 100 * part["estimate"]
        wide[f"{c}_ci"] = [
            _ci_text(a, b) for a, b in zip(part["ci_low"], part["ci_high"], strict=True)
        ]
    out = pd.DataFrame(wide)
    out.insert(0, "percentile", [f"{100 * q:g}th" for q in out.index])
    return out.reset_index(drop=True)


def dfl_table(result: DFLResult) -> pd.DataFrame:
    t = result.table
    labels = {"mean": "Mean", "variance": "Variance"}
    return pd.DataFrame(
        {
            "statistic": [labels.get(s, f"{s[1:]}th percentile") for s in t["statistic"]],
            "gap_points": 100 * t["gap"],
            "composition_points": 100 * t["composition"],
            "composition_ci": [
                _ci_text(a, b)
                for a, b in zip(
                    t.get("ci_low_composition", np.nan * t["gap"]),
                    t.get("ci_high_composition", np.nan * t["gap"]),
                    strict=True,
                )
            ],
            "structure_points": 100 * t["structure"],
            "structure_ci": [
                _ci_text(a, b)
                for a, b in zip(
                    t.get("ci_low_structure", np.nan * t["gap"]),
                    t.get("ci_high_structure", np.nan * t["gap"]),
                    strict=True,
                )
            ],
        }
    )


def pooled_table(af: AnalysisFrame, examples: int = 4) -> pd.DataFrame:
    """One row per pooled category: what it holds (a few names) and why (no counts)."""
    rows = []
    for (variable, into), part in af.pooled.groupby(["variable", "pooled_into"], sort=False):
        names = list(part["category"])
        shown = "; ".join(names[:examples]) + (
            f"; and {len(names) - examples} more" if len(names) > examples else ""
        )
        reasons = sorted(set(part["reason"]))
        if len(reasons) > 1 and all(r.startswith("fewer than") for r in reasons):
            why = f"fewer than {af.min_group} women or fewer than {af.min_group} men"
        else:
            why = "; ".join(reasons)
        rows.append(
            {
                "characteristic": variable,
                "pooled_category": into,
                "categories_merged": len(names),
                "examples": shown,
                "why": why,
            }
        )
    return pd.DataFrame(
        rows, columns=["characteristic", "pooled_category", "categories_merged", "examples", "why"]
    )


def pooled_list(af: AnalysisFrame) -> pd.DataFrame:
    """Every original category that was merged, with the reason and where it went (no counts)."""
    return af.pooled.rename(columns={"variable": "characteristic"})


# --------------------------------------------------------------------------------------------
# Synthetic truth
# --------------------------------------------------------------------------------------------


def synthetic_truth(summary: dict[str, Any]) -> float | None:
    """The generator's within occupation-by-grade gap, men minus women, in log points / 100.

    ``None`` unless the dataset is synthetic.
    """
    options = summary.get("generator")
    if not options:
        return None
    from research.data import synth

    truth = synth.truth(
        within_job_gap=options.get("within_job_gap", 0.05),
        segregation=options.get("segregation", 1.0),
    )
    return -truth.log_within_job_gap


def truth_table(truth: float, dec: Decompositions) -> pd.DataFrame:
    rows = [
        ("Known within-job gap (generator)", truth, np.nan, np.nan),
        (
            "Unexplained part, Blinder-Oaxaca",
            dec.ob.twofold.unexplained.value,
            *(dec.ob.twofold.unexplained.ci or (np.nan, np.nan)),
        ),
    ]
    if dec.bmz is not None:
        e = dec.bmz.components["within_unexplained"]
        rows.append(
            (
                "Within-occupation unexplained part, Brown-Moon-Zoloth",
                e.value,
                *(e.ci or (np.nan, np.nan)),
            )
        )
    return pd.DataFrame(
        {
            "quantity": [r[0] for r in rows],
            "points": [100 * r[1] for r in rows],
            "ci_95": [_ci_text(r[2], r[3]) for r in rows],
            "covers_truth": [
                "" if not np.isfinite(r[2]) else ("yes" if r[2] <= truth <= r[3] else "no")
                for r in rows
            ],
        }
    )


# --------------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------------


def title_block(ds, af: AnalysisFrame, *, min_cell: int) -> str:
    data = ds.data
    employer = ", ".join(sorted(map(str, data["employer"].dropna().unique())))
    snapshot = data["snapshot_date"].max()
    lines = [
        f"**Workforce:** {employer}  ",
        f"**Snapshot date:** {snapshot:%d %B %Y}  ",
        f"**Dataset:** {ds.name} — {ds.description}  ",
        f"**Compared:** {fmt_int(af.counts['men'])} men and {fmt_int(af.counts['women'])} women "
        "with hourly pay  ",
        f"**Disclosure threshold:** counts below {min_cell} are shown as {disclosure.SUPPRESSED}; "
        f"categories with fewer than {af.min_group} women or men are pooled",
    ]
    return "\n".join(lines).replace("$", "\\$")


def _share(value: float, gap: float) -> str:
    return fmt_pct(100 * value / gap) if gap else "n/a"


def _interval(est, scale: float = 100.0) -> str:
    """`` (95% interval a to b)`` in log points, or nothing without an interval."""
    return f" ({_clause(est, scale)})" if est.ci is not None else ""


def _clause(est, scale: float = 100.0) -> str:
    """``95% interval a to b`` (without brackets), or nothing."""
    if est.ci is None:
        return ""
    return f"95% interval {scale * est.ci[0]:.1f} to {scale * est.ci[1]:.1f}"


def _with_clause(est) -> str:
    """``; 95% interval a to b`` to follow a number in brackets, or nothing."""
    return f"; {_clause(est)}" if est.ci is not None else ""


def key_findings(
    af: AnalysisFrame, dec: Decompositions, *, currency: str, truth: float | None = None
) -> str:
    """Three to six plain-English sentences, each with its number and uncertainty."""
    ob = dec.ob
    gap = ob.gap.value
    g_m, g_w = math.exp(ob.mean_a.value), math.exp(ob.mean_b.value)
    direction = "lower" if gap > 0 else "higher"
    lines = [
        f"Women's average hourly pay (geometric mean) is **{fmt_pct(abs(pct_lower(gap)))} {direction}** "
        f"than men's: {fmt_money(g_w, currency, 2)} against {fmt_money(g_m, currency, 2)}, a gap "
        f"of {points(gap):.1f} log points{_interval(ob.gap)}.",
    ]
    explained, unexplained = ob.twofold.explained, ob.twofold.unexplained
    opening = (
        f"Differences between women and men in {_characteristics(af)} account for "
        f"**{_share(explained.value, gap)} of the gap** ({points(explained.value):.1f} points"
        f"{_with_clause(explained)})"
    )
    if unexplained.value * gap >= 0:
        lines.append(
            f"{opening}; the remaining **{_share(unexplained.value, gap)}** "
            f"({points(unexplained.value):.1f} points{_with_clause(unexplained)}) is "
            "*unexplained*: it is what these characteristics cannot account for, not a measure "
            "of discrimination."
        )
    else:
        lines.append(
            f"{opening}, more than the whole gap: women and men with the same characteristics "
            f"differ by {points(unexplained.value):.1f} points the other way"
            f"{_interval(unexplained)}. This *unexplained* part is what the characteristics "
            "cannot account for, not a measure of discrimination in either direction."
        )
    by_var = contributions(ob)
    expl = by_var[(by_var["component"] == "explained") & (by_var["variable"] != "_cons")]
    if len(expl):
        top = expl.loc[expl["points"].abs().idxmax()]
        lines.append(
            f"The largest single contribution is **{top['label'].lower()}**, "
            f"{top['points']:.1f} points (95% interval {top['ci_low_points']:.1f} to "
            f"{top['ci_high_points']:.1f}), {fmt_pct(top['pct_of_gap'])} of the gap."
        )
    if dec.bmz is not None:
        between = dec.bmz.components["between"]
        lines.append(
            f"Women and men working in **different occupations** (occupational segregation) "
            f"accounts for {_share(between.value, gap)} of the gap ({points(between.value):.1f} "
            f"points{_with_clause(between)}); the rest arises within "
            "occupations."
        )
    gaps = dec.rif.table[dec.rif.table["component"] == "gap"].sort_values("quantile")
    if len(gaps) >= 2:
        lines.append(_profile_sentence(gaps))
    if truth is not None:
        u = ob.twofold.unexplained
        inside = u.ci is not None and u.ci[0] <= truth <= u.ci[1]
        lines.append(
            f"This is synthetic data with a known within-job gap of {points(truth):.1f} points; the "
            f"unexplained part, {points(u.value):.1f} points{_interval(u)}, "
            + ("recovers it." if inside else "does not cover it (see the check below).")
        )
    return "\n".join(f"- {line}" for line in lines).replace("$", "\\$")


def _profile_sentence(gaps: pd.DataFrame) -> str:
    """Where across the distribution the gap is largest, and whether that is a glass ceiling or a
    sticky floor (the end of the distribution with the largest gap, its interval clear of the
    middle's)."""
    low, high = gaps.iloc[0], gaps.iloc[-1]
    peak = gaps.loc[gaps["estimate"].idxmax()]
    middle = gaps.iloc[(gaps["quantile"] - 0.5).abs().argmin()]
    text = (
        f"Across the pay distribution the gap runs from {100 * low['estimate']:.1f} points at the "
        f"{100 * low['quantile']:g}th percentile to {100 * high['estimate']:.1f} at the "
        f"{100 * high['quantile']:g}th"
    )
    if peak.name not in (low.name, high.name):
        text += (
            f", and is largest at the {100 * peak['quantile']:g}th ({100 * peak['estimate']:.1f})"
        )
    clear = np.isfinite(peak["ci_low"]) and peak["ci_low"] > middle["ci_high"]
    if peak.name == high.name and clear:
        text += ": it widens towards the top, the pattern called a *glass ceiling*"
    elif peak.name == low.name and clear:
        text += ": it is widest at the bottom, the pattern called a *sticky floor*"
    elif peak.name in (low.name, high.name):
        text += "; the intervals overlap, so there is no clear widening at either end"
    return text + "."


def _characteristics(af: AnalysisFrame) -> str:
    names = [variable_label(c).lower() for c in af.covariates]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


# --------------------------------------------------------------------------------------------
# Captions that state the finding
# --------------------------------------------------------------------------------------------


def waterfall_title(dec: Decompositions) -> str:
    ob = dec.ob
    gap = ob.gap.value
    return (
        f"Characteristics account for {_share(ob.twofold.explained.value, gap)} of the "
        f"{points(gap):.1f}-point gap; {_share(ob.twofold.unexplained.value, gap)} is unexplained"
    )


def contributions_title(dec: Decompositions) -> str:
    table = contributions(dec.ob)
    expl = table[(table["component"] == "explained") & (table["variable"] != "_cons")]
    if not len(expl):
        return "Contributions of each characteristic"
    top = expl.loc[expl["points"].abs().idxmax()]
    return f"{top['label']} contributes most to the explained part ({top['points']:+.1f} points)"


def bmz_title(bmz: BMZResult) -> str:
    c = bmz.components
    gap = c["gap"].value
    return (
        f"Working in different occupations accounts for {_share(c['between'].value, gap)} of "
        f"the gap; {_share(c['within'].value, gap)} arises within occupations"
    )


def quantile_title(rif: RIFResult) -> str:
    gaps = rif.table[rif.table["component"] == "gap"].sort_values("quantile")
    low, high = gaps.iloc[0], gaps.iloc[-1]
    return (
        f"The gap is {100 * low['estimate']:.1f} points at the {100 * low['quantile']:g}th "
        f"percentile and {100 * high['estimate']:.1f} at the {100 * high['quantile']:g}th"
    )


def pooling_summary(af: AnalysisFrame, dec: Decompositions) -> str:
    """Markdown: how many categories were pooled per characteristic, and any notes."""
    lines = []
    if len(af.pooled):
        for variable, part in af.pooled.groupby("variable", sort=False):
            into = part["pooled_into"].nunique()
            lines.append(
                f"{variable}: {len(part)} categories with fewer than {af.min_group} women or men "
                f"were merged into {into} pooled categor{'y' if into == 1 else 'ies'}."
            )
    else:
        lines.append(f"No category had fewer than {af.min_group} women or men; nothing was pooled.")
    for _, row in af.dropped.iterrows():
        lines.append(f"{row['variable']} was left out: {row['reason']}.")
    counts = af.counts
    if counts["other_sex"]:
        lines.append(
            f"{fmt_int(counts['other_sex'])} employees with another or no recorded sex are not "
            "part of this comparison of women and men."
        )
    if counts["no_pay"]:
        lines.append(f"{fmt_int(counts['no_pay'])} employees without hourly pay were left out.")
    lines += dec.notes
    return "\n".join(f"- {line}" for line in lines).replace("$", "\\$")
