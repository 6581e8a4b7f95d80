"""The analysis frame of the decomposition report: who is compared, on which characteristics.

:func:`analysis_frame` turns a canonical workforce table into women and men with log pay and
categorical characteristics ready for the decompositions: job characteristics (occupation at
the chosen level, grade) and personal ones (working pattern, age band, length of service from
``start_date``). The comparison is men (group A) with women (group B), so every gap is
``men - women`` in log pay, positive when men are paid more, as in the UK statutory gender
pay gap. The pay is hourly pay, or annual basic pay when the data record no hours
(:mod:`research.decomposition.measure`); with annual pay and a recorded working pattern, only
full-time employees are compared. Categories too small in either sex are pooled first
(:func:`~research.decomposition.pool_rare`), at no fewer than the disclosure threshold, so that
every per-category number rests on at least that many women and men; a characteristic that is
not recorded, not requested or left with one category is dropped, with the reason.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research.core.checks import InputError
from research.decomposition import _numeric as nm
from research.decomposition._harness import prepare
from research.decomposition.measure import FULL_TIME, PayMeasure, pay_measure
from research.decomposition.pooling import _text_codes, pool_rare
from research.present import tabulate

__all__ = [
    "LEVERAGE_LIMIT",
    "MEN",
    "OUTCOME",
    "WOMEN",
    "AnalysisFrame",
    "analysis_frame",
    "band_order",
    "max_leverage",
    "parse_quantiles",
    "service_bands",
    "variable_label",
]

#: The candidate characteristics, in the order reports list them.
CHARACTERISTICS = ("occupation_group", "grade_group", "working_pattern", "age_band", "service_band")

MEN, WOMEN = "M", "F"
OUTCOME = "log_pay"
#: Reason recorded for a characteristic the data do not hold.
NOT_RECORDED = "not recorded"
#: Reason recorded for working pattern when only full-time employees are compared.
FULL_TIME_ONLY = "only full-time employees are compared"

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


def variable_label(name: str) -> str:
    """Human name of a characteristic: ``"grade_group"`` -> ``"Grade"``."""
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
    """Women and men with the analysis columns, the pay compared (``measure``), and what was
    pooled or left out."""

    data: pd.DataFrame
    job: list[str]
    personal: list[str]
    pooled: pd.DataFrame
    dropped: pd.DataFrame
    counts: dict[str, int]
    min_group: int
    notes: list[str] = field(default_factory=list)
    max_leverage: float = float("nan")
    measure: PayMeasure = field(default_factory=lambda: PayMeasure("hourly_pay", True, True, True))

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
    codes, labels = _text_codes(values)
    levels = sorted(labels, key=_band_key)
    position = {lab: i for i, lab in enumerate(levels)}
    codes = np.array([position[lab] for lab in labels], dtype=np.int64)[codes]
    return pd.Series(pd.Categorical.from_codes(codes, categories=levels), index=values.index)


def service_bands(data: pd.DataFrame) -> pd.Series:
    """Years from ``start_date`` to ``snapshot_date`` in bands (``"(missing)"`` without a date)."""
    years = ((data["snapshot_date"] - data["start_date"]).dt.days / 365.25).to_numpy(
        dtype=np.float64, na_value=np.nan
    )
    order = [b[2] for b in SERVICE_BANDS] + ["(missing)"]
    codes = np.full(years.size, len(SERVICE_BANDS), dtype=np.int64)
    for i, (low, high, _) in enumerate(SERVICE_BANDS):
        codes[(years >= low) & (years < high)] = i
    found = np.bincount(codes, minlength=len(order)) > 0
    present = [v for v, f in zip(order, found, strict=True) if f]
    remap = np.cumsum(found) - 1
    return pd.Series(pd.Categorical.from_codes(remap[codes], categories=present), index=data.index)


def analysis_frame(
    data: pd.DataFrame,
    *,
    occupation_level: str = "occupation",
    min_group: int = 10,
    max_grade_groups: int = 30,
    include_grade: bool = True,
    measure: PayMeasure | None = None,
) -> AnalysisFrame:
    """Women and men with log pay and pooled categorical characteristics.

    The pay is ``measure`` (by default :func:`~research.decomposition.measure.pay_measure` of
    ``data``): hourly pay, or annual basic pay when the data record no hours; with annual pay and
    a recorded working pattern only full-time employees are compared (the others are counted in
    ``counts["not_full_time"]``) and working pattern is not a characteristic.

    Columns: ``log_pay`` and ``pay``; job characteristics ``occupation_group`` (the occupation level
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
    measure = measure or pay_measure(data)
    while True:
        af = _analysis_frame(
            data,
            occupation_level=occupation_level,
            min_group=min_group,
            max_grade_groups=bands,
            include_grade=include_grade,
            measure=measure,
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
        measure=measure,
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
    for g in (0, 1):
        Zc, w = prep.Zc[g], prep.w[g]
        S = prep.S[g]  # Z'WZ
        h_cell = ((Zc @ np.linalg.inv(S)) * Zc).sum(axis=1)  # leverage per unit weight
        largest = max(largest, float((w * h_cell[prep.cell[g]]).max()))
    return largest


def _analysis_frame(
    data: pd.DataFrame,
    *,
    occupation_level: str,
    min_group: int,
    max_grade_groups: int,
    include_grade: bool,
    measure: PayMeasure,
) -> AnalysisFrame:
    n_read = len(data)
    sex_codes, sex_labels = _text_codes(data["sex"])
    is_men = np.isin(sex_codes, [i for i, v in enumerate(sex_labels) if v == MEN])
    binary = is_men | np.isin(sex_codes, [i for i, v in enumerate(sex_labels) if v == WOMEN])
    del sex_codes
    n_binary = int(binary.sum())
    not_full_time = 0
    keep = binary
    if measure.full_time_only:
        full_time = (
            data["working_pattern"].astype("string").eq(FULL_TIME).fillna(False).to_numpy(bool)
        )
        not_full_time = int((binary & ~full_time).sum())
        keep = binary & full_time
    pay_all = pd.to_numeric(data[measure.column], errors="coerce").astype("float64").to_numpy()
    usable_all = ~np.isnan(pay_all) & (pay_all > 0)
    no_pay = int((keep & ~usable_all).sum())
    keep = keep & usable_all
    # Only the columns used below, and no copy at all when every row is kept.
    used = [occupation_level, "occupation", "occupation_title", "job_family", "grade"]
    used += ["grade_rank", "working_pattern", "age_band", "start_date", "snapshot_date"]
    used = [c for c in dict.fromkeys(used) if c in data.columns]
    frame = data if keep.all() else data.loc[keep, used]
    pay = pay_all[keep]
    sex_names = np.array([WOMEN, MEN], dtype=object)
    out = pd.DataFrame(
        {
            "sex": sex_names[is_men[keep].astype(np.int64)],
            OUTCOME: np.log(pay),
            "pay": pay,
        },
        index=frame.index,
    )
    del pay_all, usable_all
    candidates: dict[str, pd.Series] = {}
    if occupation_level in frame and frame[occupation_level].notna().any():
        candidates["occupation_group"] = tabulate.occupation_labels(frame, occupation_level)
    if include_grade and "grade" in frame and frame["grade"].notna().any():
        candidates["grade_group"] = tabulate.grade_groups(frame, max_groups=max_grade_groups)
    if measure.full_time_only:
        pass  # one working pattern: not a characteristic (said in ``dropped``)
    elif "working_pattern" in frame and frame["working_pattern"].notna().any():
        candidates["working_pattern"] = frame["working_pattern"]  # blanks: "(missing)"
    if "age_band" in frame and frame["age_band"].notna().any():
        candidates["age_band"] = band_order(frame["age_band"])
    if "start_date" in frame and frame["start_date"].notna().any():
        candidates["service_band"] = service_bands(frame)
    parent = None
    has_family = "job_family" in frame and frame["job_family"].notna().any()
    if occupation_level in ("occupation", "occupation_title") and has_family:
        parent = frame["job_family"]
    pooled_rows, dropped_rows = [], []
    for name in CHARACTERISTICS:
        if name not in candidates:
            if name == "grade_group" and not include_grade:
                reason = "not requested"
            elif name == "working_pattern" and measure.full_time_only:
                reason = FULL_TIME_ONLY
            else:
                reason = NOT_RECORDED
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
        out[name] = result.categorical()
    job = [c for c in ("occupation_group", "grade_group") if c in out]
    personal = [c for c in ("working_pattern", "age_band", "service_band") if c in out]
    counts = {
        "read": n_read,
        "other_sex": int(n_read - n_binary - not_full_time),
        "not_full_time": not_full_time,
        "no_pay": no_pay,
        "men": int((out["sex"] == MEN).sum()),
        "women": int((out["sex"] == WOMEN).sum()),
    }
    if counts["men"] < min_group or counts["women"] < min_group:
        raise InputError(
            f"The data have {counts['men']} men and {counts['women']} women"
            + (" working full time" if measure.full_time_only else "")
            + f" with {measure.words}; a decomposition needs at least {min_group} of each."
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
