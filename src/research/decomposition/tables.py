"""Publishable tables of the decomposition report.

Every function returns a :class:`~research.present.report.Table` (caption, human column labels,
formats and units) built from the results of :mod:`research.decomposition.suite`. Gaps and their
parts are in *log points* (100 times a difference of mean log pay, hourly or annual as the frame
compares), men minus women.
Tables that show headcounts or group means pass through disclosure control
(:mod:`research.present.disclosure`) before they are built; suppressed cells hold ``"[c]"``.
Intervals are shown as text (``"6.2 to 10.0"``), as the report has always published them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from research.decomposition.bmz import BMZResult
from research.decomposition.frame import (
    CHARACTERISTICS,
    MEN,
    NOT_RECORDED,
    OUTCOME,
    WOMEN,
    AnalysisFrame,
    variable_label,
)
from research.decomposition.oaxaca import OaxacaResult
from research.decomposition.quantile import RIFResult
from research.decomposition.reweighting import DFLResult
from research.decomposition.suite import Decompositions
from research.present import disclosure
from research.present.report import Table, columns
from research.present.wording import plural

POINTS = "log points"

#: The benchmark pay structures of the two-fold split, by the report's parameter names.
REFERENCE_LABELS = {
    "pooled": "Pooled pay structure of women and men (with a sex indicator)",
    "men": "Men's pay structure",
    "women": "Women's pay structure",
    "neumark": "Pooled pay structure (without a sex indicator; Neumark)",
    "reimers": "Average of women's and men's pay structures (Reimers)",
    "cotton": "Headcount-weighted average of the two structures (Cotton)",
}
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


def points(value: float) -> float:
    """Log difference -> log points (x 100)."""
    return 100.0 * value


def ci_text(low: float, high: float, scale: float = 100.0, digits: int = 1) -> str:
    """``"a to b"`` (scaled), or ``""`` without a finite interval."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return ""
    return f"{scale * low:.{digits}f} to {scale * high:.{digits}f}"


def ci_texts(low, high) -> list[str]:
    """:func:`ci_text` for two aligned sequences of bounds."""
    return [ci_text(a, b) for a, b in zip(low, high, strict=True)]


def _components(frame: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """The components in ``order``: label, log points, interval text and share of the gap."""
    frame = frame.set_index("component").loc[order].reset_index()
    return pd.DataFrame(
        {
            "part": frame.get("part"),
            "component": [COMPONENT_LABELS[c] for c in frame["component"]],
            "points": 100 * frame["estimate"],
            "ci_95": ci_texts(frame["ci_low"], frame["ci_high"]),
            "pct_of_gap": frame["pct_of_gap"],
        }
    )


def _notes(*texts: str) -> tuple[str, ...]:
    return tuple(t for t in texts if t)


# ----------------------------------------------------------------------------- the gap


def pay_table(af: AnalysisFrame, *, currency: str, min_cell: int) -> Table:
    """Headcount, geometric and arithmetic mean pay of men and women (small groups hidden), in
    the pay the frame compares (hourly, or annual basic pay when hours are not recorded)."""
    m = af.measure
    geometric, mean, mean_log = (
        f"geometric_mean_{m.key}",
        f"mean_{m.key}",
        f"mean_log_{m.key}",
    )
    rows = []
    for code, label in ((MEN, "Men"), (WOMEN, "Women")):
        part = af.data[af.data["sex"] == code]
        rows.append(
            {
                "group": label,
                "n": len(part),
                geometric: float(np.exp(part[OUTCOME].mean())),
                mean: float(part["pay"].mean()),
                mean_log: float(part[OUTCOME].mean()),
            }
        )
    hidden = disclosure.suppress_statistics(
        pd.DataFrame(rows), "n", [geometric, mean, mean_log], min_cell
    )
    who = " (full-time employees only)" if m.full_time_only else ""
    return Table(
        "pay_by_sex",
        hidden.table,
        f"Men's and women's {m.full_words} compared{who} (groups below the threshold are "
        "suppressed)",
        columns(
            ("group", "Group"),
            ("n", "Employees", "int", "employees"),
            (geometric, f"Geometric mean {m.words}", "money2", m.unit),
            (mean, f"Mean {m.words}", "money2", m.unit),
            (mean_log, f"Mean {m.log_words}", "float3", f"log of pay {m.unit}"),
        ),
        notes=_notes(hidden.note()),
        currency=currency,
    )


# ----------------------------------------------------------------------------- Blinder-Oaxaca


def summary_table(ob: OaxacaResult, *, reference: str) -> Table:
    """Two- and three-fold parts in log points with intervals and shares of the gap."""
    frame = ob.to_frame()
    frame = frame[frame["part"] != "means"]
    frame = frame[~frame["component"].isin(["unexplained_a", "unexplained_b"])]
    order = ["gap", "explained", "unexplained", "endowments", "coefficients", "interaction"]
    data = _components(frame, order)
    parts = {"overall": "Total", "twofold": "Two-fold", "threefold": "Three-fold"}
    data["part"] = data["part"].map(parts)
    return Table(
        "decomposition_summary",
        data,
        "The gap split into explained and unexplained parts (benchmark: "
        f"{REFERENCE_LABELS[reference].lower()}) and the three-fold split",
        columns(
            ("part", "Split"),
            ("component", "Part"),
            ("points", "Log points", "float1", POINTS),
            ("ci_95", "95% interval", "text", POINTS),
            ("pct_of_gap", "% of gap", "pct", "%"),
        ),
        row_header="component",
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


def design_variables(ob: OaxacaResult) -> list[str]:
    """The characteristics of the fitted Blinder-Oaxaca design, in report order (no constant)."""
    fitted = set(ob.by_variable["variable"]) - {"_cons"}
    return [c for c in CHARACTERISTICS if c in fitted] + sorted(fitted - set(CHARACTERISTICS))


def contributions_table(ob: OaxacaResult) -> Table:
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
                "explained_ci": ci_text(
                    part.loc["explained", "ci_low_points"],
                    part.loc["explained", "ci_high_points"],
                    scale=1.0,
                ),
                "explained_pct_of_gap": part.loc["explained", "pct_of_gap"],
                "unexplained_points": part.loc["unexplained", "points"],
                "unexplained_ci": ci_text(
                    part.loc["unexplained", "ci_low_points"],
                    part.loc["unexplained", "ci_high_points"],
                    scale=1.0,
                ),
            }
        )
    return Table(
        "contributions_by_characteristic",
        pd.DataFrame(rows),
        "Contribution of each characteristic to the explained and unexplained parts "
        "(log points, 95% intervals)",
        columns(
            ("characteristic", "Characteristic"),
            ("explained_points", "Explained", "float1", POINTS),
            ("explained_ci", "95% interval (explained)", "text", POINTS),
            ("explained_pct_of_gap", "Explained, % of gap", "pct", "%"),
            ("unexplained_points", "Unexplained", "float1", POINTS),
            ("unexplained_ci", "95% interval (unexplained)", "text", POINTS),
        ),
    )


def sensitivity_table(dec: Decompositions) -> Table:
    """The two-fold split under every benchmark pay structure, with standard errors."""
    t = dec.sensitivity
    data = pd.DataFrame(
        {
            "reference": [REFERENCE_LABELS[name] for name in t["benchmark"]],
            "explained_points": 100 * t["explained"],
            "explained_se": 100 * t["explained_se"],
            "unexplained_points": 100 * t["unexplained"],
            "unexplained_se": 100 * t["unexplained_se"],
            "pct_explained": t["pct_explained"],
        }
    )
    return Table(
        "benchmark_sensitivity",
        data,
        "Explained and unexplained parts under each benchmark pay structure "
        "(log points, standard errors)",
        columns(
            ("reference", "Benchmark pay structure"),
            ("explained_points", "Explained", "float1", POINTS),
            ("explained_se", "Standard error (explained)", "float2", POINTS),
            ("unexplained_points", "Unexplained", "float1", POINTS),
            ("unexplained_se", "Standard error (unexplained)", "float2", POINTS),
            ("pct_explained", "% explained", "pct", "%"),
        ),
    )


# ----------------------------------------------------------------------------- segregation


def bmz_table(bmz: BMZResult) -> Table:
    """Between- and within-occupation parts of the gap, each split again."""
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
    data = _components(frame, order).drop(columns="part")
    return Table(
        "occupational_split",
        data,
        "Between- and within-occupation parts of the gap (log points, bootstrap 95% intervals)",
        columns(
            ("component", "Part"),
            ("points", "Log points", "float1", POINTS),
            ("ci_95", "95% interval", "text", POINTS),
            ("pct_of_gap", "% of gap", "pct", "%"),
        ),
    )


def occupation_table(bmz: BMZResult, *, min_cell: int, top: int = 12) -> Table:
    """Occupations contributing most to the between-occupation gap, largest first.

    An occupation adds to the gap when it pays more than men's average and employs a larger share
    of men than of women. Headcounts below ``min_cell`` hide the shares and means that rest on
    them (the headcounts themselves are not published).
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
    stats = [
        "pct_of_men",
        "men_pay_vs_average",
        "pct_of_women",
        "pct_of_women_predicted",
        "between_points",
    ]
    hidden = disclosure.suppress_statistics(
        table,
        {
            "pct_of_men": "n_men",
            "men_pay_vs_average": "n_men",
            "pct_of_women": "n_women",
            "pct_of_women_predicted": "n_women",
            "between_points": "n_women",
        },
        stats,
        min_cell,
    )
    return Table(
        "occupations_driving_segregation",
        hidden.table.drop(columns=["n_men", "n_women"]),
        "Occupations contributing most to the between-occupation gap (log points), largest "
        "contribution first. An occupation adds to the gap when it pays men more than their "
        "average and employs a larger share of men than of women; '% of women predicted' is the "
        "share women would have if sorted into occupations as men are",
        columns(
            ("occupation", "Occupation"),
            ("pct_of_men", "% of men", "pct", "%"),
            ("pct_of_women", "% of women", "pct", "%"),
            ("pct_of_women_predicted", "% of women predicted", "pct", "%"),
            ("men_pay_vs_average", "Men's pay vs their average", "float1", POINTS),
            ("between_points", "Contribution", "float1", POINTS),
        ),
        notes=_notes(hidden.note()),
    )


# ----------------------------------------------------------------------------- distribution


def quantile_table(rif: RIFResult) -> Table:
    """Gap at each percentile and its explained and unexplained parts."""
    t = rif.table
    wide = {}
    for c in ("gap", "explained", "unexplained"):
        part = t[t["component"] == c].set_index("quantile")
        wide[f"{c}_points"] = 100 * part["estimate"]
        wide[f"{c}_ci"] = ci_texts(part["ci_low"], part["ci_high"])
    out = pd.DataFrame(wide)
    out.insert(0, "percentile", [f"{100 * q:g}th" for q in out.index])
    return Table(
        "quantile_decomposition",
        out.reset_index(drop=True),
        "Gap at each percentile and its explained and unexplained parts (log points, bootstrap "
        "95% intervals)",
        columns(
            ("percentile", "Percentile"),
            ("gap_points", "Gap", "float1", POINTS),
            ("gap_ci", "95% interval (gap)", "text", POINTS),
            ("explained_points", "Explained", "float1", POINTS),
            ("explained_ci", "95% interval (explained)", "text", POINTS),
            ("unexplained_points", "Unexplained", "float1", POINTS),
            ("unexplained_ci", "95% interval (unexplained)", "text", POINTS),
        ),
    )


def dfl_table(result: DFLResult, *, log_words: str = "log hourly pay") -> Table:
    """Reweighting decomposition of the mean, the variance and percentiles."""
    t = result.table
    labels = {"mean": "Mean", "variance": "Variance"}
    nan = np.nan * t["gap"]
    data = pd.DataFrame(
        {
            "statistic": [labels.get(s, f"{s[1:]}th percentile") for s in t["statistic"]],
            "gap_points": 100 * t["gap"],
            "composition_points": 100 * t["composition"],
            "composition_ci": ci_texts(
                t.get("ci_low_composition", nan), t.get("ci_high_composition", nan)
            ),
            "structure_points": 100 * t["structure"],
            "structure_ci": ci_texts(
                t.get("ci_low_structure", nan), t.get("ci_high_structure", nan)
            ),
        }
    )
    return Table(
        "reweighting_decomposition",
        data,
        f"Reweighting decomposition of the mean, the variance and percentiles of {log_words} "
        "(log points; variance in 100 x squared log pay; bootstrap 95% intervals)",
        columns(
            ("statistic", "Statistic"),
            ("gap_points", "Gap", "float1", POINTS),
            ("composition_points", "Composition", "float1", POINTS),
            ("composition_ci", "95% interval (composition)", "text", POINTS),
            ("structure_points", "Structure", "float1", POINTS),
            ("structure_ci", "95% interval (structure)", "text", POINTS),
        ),
    )


# ----------------------------------------------------------------------------- known answer


def truth_table(truth: float, dec: Decompositions) -> Table:
    """The generator's within-job gap next to the estimates of it."""
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
    data = pd.DataFrame(
        {
            "quantity": [r[0] for r in rows],
            "points": [100 * r[1] for r in rows],
            "ci_95": [ci_text(r[2], r[3]) for r in rows],
            "covers_truth": [
                "" if not np.isfinite(r[2]) else ("yes" if r[2] <= truth <= r[3] else "no")
                for r in rows
            ],
        }
    )
    return Table(
        "known_answer_check",
        data,
        "The generator's within-job gap and the estimates of it (log points)",
        columns(
            ("quantity", "Quantity"),
            ("points", "Log points", "float2", POINTS),
            ("ci_95", "95% interval", "text", POINTS),
            ("covers_truth", "Interval covers the known gap"),
        ),
    )


# ----------------------------------------------------------------------------- inputs


def characteristics_table(af: AnalysisFrame, fitted: Sequence[str] | None = None) -> Table:
    """Every candidate characteristic: used or left out (and why), categories after pooling.

    ``fitted`` names the characteristics of the fitted Blinder-Oaxaca design
    (:func:`design_variables`); one prepared but not fitted is shown as left out. A
    characteristic the data do not hold is "not in the data".
    """
    dropped = dict(zip(af.dropped["variable"], af.dropped["reason"], strict=True))
    merged = af.pooled.groupby("variable", sort=False)["category"].size().to_dict()
    fitted = list(af.covariates if fitted is None else fitted)
    rows = []
    for name in CHARACTERISTICS:
        label = variable_label(name)
        if name in af.data and name in fitted:
            categories = int(af.data[name].nunique())
            detail = plural(categories, "category", "categories") + " compared"
            if merged.get(label):
                detail += f" ({plural(merged[label], 'small category', 'small categories')} pooled)"
            rows.append({"characteristic": label, "used": "yes", "detail": detail})
        elif name in af.data:
            rows.append(
                {
                    "characteristic": label,
                    "used": "no",
                    "detail": "left out of the fitted model: no category is compared in both "
                    "women and men",
                }
            )
        else:
            reason = dropped.get(label, NOT_RECORDED)
            detail = "not in the data" if reason == NOT_RECORDED else "left out: " + reason
            rows.append({"characteristic": label, "used": "no", "detail": detail})
    return Table(
        "characteristics_used",
        pd.DataFrame(rows),
        "The characteristics of the comparison: which were used, and why any was left out",
        columns(
            ("characteristic", "Characteristic"),
            ("used", "Used"),
            ("detail", "Detail"),
        ),
    )


def pooled_table(af: AnalysisFrame, examples: int = 4) -> Table:
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
    data = pd.DataFrame(
        rows, columns=["characteristic", "pooled_category", "categories_merged", "examples", "why"]
    )
    return Table(
        "pooled_categories",
        data,
        "Categories merged before the analysis, and why (names only; the full list follows)",
        columns(
            ("characteristic", "Characteristic"),
            ("pooled_category", "Merged into"),
            ("categories_merged", "Categories merged", "int", "categories"),
            ("examples", "Including"),
            ("why", "Why"),
        ),
    )


def pooled_list(af: AnalysisFrame) -> Table:
    """Every original category that was merged, with the reason and where it went (no counts)."""
    return Table(
        "pooled_categories_full_list",
        af.pooled.rename(columns={"variable": "characteristic"}),
        "Every category merged before the analysis: why, and the pooled category it joined",
        columns(
            ("characteristic", "Characteristic"),
            ("category", "Category"),
            ("reason", "Why"),
            ("pooled_into", "Merged into"),
        ),
        row_header="category",
    )
