"""A proposed pay structure and the assimilation of every employee onto it.

A **pay structure** is a list of grades in order, each with its pay points (full-time equivalent
annual salaries, lowest first). :func:`structure_from_dict` builds one from a mapping such as
:func:`research.data.structures.read_structure` reads from YAML::

    name: Proposed structure 2026
    currency: GBP
    grades:
      - {grade: "A", points: [23800, 24300, 24800, 25300]}
      - {grade: "B", points: [25300, 25900, 26500, 27100]}
    assimilation:                      # optional: the rule, also accepted as arguments
      rule: score_bands                # or grade_map, job_map
      column: grade_rank               # the job evaluation score (or a stand-in) for score_bands
      bands: [{grade: "A", min: 1}, {grade: "B", min: 3}]
      placement: nearest_not_below     # nearest_not_below, nearest, bottom, service
      protection_years: 3

or from CSV with columns ``grade, salary`` (one row per pay point; grades in the order of their
lowest salary unless a ``grade_rank`` column is given). Files are read in the data layer; this
module never opens one.

**Assimilation** (:func:`assimilate`) gives every employee a new grade and a pay point:

* new grade: from their current grade (``grade_map``), their job (``job_map``), or a job evaluation
  score cut into bands (``score_bands``: the band with the largest ``min`` not above the score);
* pay point, from the employee's current FTE basic pay ``p`` and the grade's points
  ``s_1 < ... < s_K``:

  - ``nearest_not_below``: the lowest point ``s_k >= p`` (nobody loses unless ``p > s_K``);
  - ``nearest``: the point closest to ``p`` (ties go to the higher point);
  - ``bottom``: ``s_1``;
  - ``service``: point ``min(floor(years of service), K - 1)`` (one increment per full year);

  an employee paid above the top of the new grade is placed on ``s_K`` and flagged ``above_top``;
* **pay protection**: anyone whose new salary is below their current pay keeps the current pay for
  ``protection_years`` (0: no protection), then drops to the new salary.

Pay after assimilation is given at two moments: ``pay_on_assimilation`` (with protection) and
``pay_after_protection`` (the structure's lasting effect). Hourly pay and period pay scale with
basic pay (``hourly x new / old``): allowances and other elements are assumed unchanged in
proportion. The annual pay bill is ``sum(FTE x annual salary)``, so part-timers cost their share.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from research.core.checks import InputError, require_columns
from research.core.results import Result

PLACEMENTS = ("nearest_not_below", "nearest", "bottom", "service")
RULES = ("grade_map", "job_map", "score_bands")


@dataclass(frozen=True)
class PayStructure(Result):
    """Grades with their pay points.

    Attributes
    ----------
    points
        One row per point: ``grade``, ``grade_rank`` (1 = lowest), ``point`` (1 = bottom of the
        grade) and ``salary`` (FTE annual).
    name, currency, description
        Labels for reports.
    assimilation
        The assimilation rule read from the file, if any (keys as the arguments of
        :func:`assimilate`).
    source, sha256
        The file it was read from (a display path) and its SHA-256, when it came from a file.
    """

    points: pd.DataFrame
    name: str = "Proposed pay structure"
    currency: str = "GBP"
    description: str = ""
    assimilation: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    sha256: str = ""

    @property
    def title(self) -> str:  # type: ignore[override]
        return self.name

    @property
    def grades(self) -> list[str]:
        return list(self.points.drop_duplicates("grade")["grade"])

    def to_frame(self) -> pd.DataFrame:
        return self.points.copy()

    def grade_table(self) -> pd.DataFrame:
        """One row per grade: rank, number of points, minimum and maximum salary."""
        g = self.points.groupby(["grade_rank", "grade"], sort=True)["salary"]
        return g.agg(points="size", minimum="min", maximum="max").reset_index()


def _check_points(points: pd.DataFrame, source: str) -> pd.DataFrame:
    require_columns(points, ["grade", "grade_rank", "point", "salary"], role=f"structure {source}")
    salary = pd.to_numeric(points["salary"], errors="coerce")
    if salary.isna().any() or (salary <= 0).any():
        raise InputError(f"Every pay point in {source} needs a positive salary.")
    points = points.assign(salary=salary.astype("float64"), grade=points["grade"].astype(str))
    points = points.sort_values(["grade_rank", "salary"], kind="stable").reset_index(drop=True)
    points["point"] = points.groupby("grade_rank").cumcount() + 1
    dup = points.groupby("grade_rank")["salary"].apply(lambda s: s.duplicated().any())
    if dup.any():
        raise InputError(f"A grade in {source} lists the same salary twice.")
    if points.groupby("grade")["grade_rank"].nunique().gt(1).any():
        raise InputError(f"A grade name appears at two ranks in {source}.")
    return points[["grade", "grade_rank", "point", "salary"]]


def structure_from_dict(spec: Mapping[str, Any], source: str = "") -> PayStructure:
    """A :class:`PayStructure` from a parsed mapping (see the module docstring).

    ``spec`` may carry a ``file`` entry ``{"path": ..., "sha256": ...}`` (as
    :func:`research.data.structures.read_structure` adds); ``source`` overrides its path.
    """
    record = spec.get("file") or {}
    source = source or str(record.get("path", "")) or "structure"
    grades = spec.get("grades")
    if not grades:
        raise InputError(f"{source} has no 'grades' list: give grades with their pay points.")
    rows = []
    for rank, g in enumerate(grades, start=1):
        if "grade" not in g or "points" not in g or not g["points"]:
            raise InputError(
                f"Grade {rank} in {source} needs 'grade' and a non-empty 'points' list."
            )
        rows += [(str(g["grade"]), rank, i, s) for i, s in enumerate(g["points"], start=1)]
    points = _check_points(
        pd.DataFrame(rows, columns=["grade", "grade_rank", "point", "salary"]), source
    )
    return PayStructure(
        points=points,
        name=str(spec.get("name", "Proposed pay structure")),
        currency=str(spec.get("currency", "GBP")),
        description=str(spec.get("description", "")).strip(),
        assimilation=dict(spec.get("assimilation") or {}),
        source=source,
        sha256=str(record.get("sha256", "")),
    )


def as_structure(structure: PayStructure | Mapping[str, Any]) -> PayStructure:
    """``structure`` itself, or the :class:`PayStructure` of a parsed mapping."""
    if isinstance(structure, PayStructure):
        return structure
    if isinstance(structure, Mapping):
        return structure_from_dict(structure)
    raise InputError(
        f"A pay structure must be a PayStructure or a parsed mapping, not "
        f"{type(structure).__name__}; read a file with research.data.structures.read_structure."
    )


def assimilation_column(structure: PayStructure) -> tuple[str, str]:
    """The structure's assimilation rule and the column it reads (``("grade_map", "grade")``)."""
    spec = structure.assimilation
    rule = str(spec.get("rule", "grade_map"))
    default = {"grade_map": "grade", "job_map": "occupation"}.get(rule, "je_score")
    return rule, str(spec.get("column", default))


def _new_grades(data: pd.DataFrame, structure: PayStructure, rule: str, spec: Mapping) -> pd.Series:
    """The new grade of every employee under ``rule``."""
    names = set(structure.grades)
    if rule in ("grade_map", "job_map"):
        column = spec.get("column", "grade" if rule == "grade_map" else "occupation")
        mapping = {str(k): str(v) for k, v in (spec.get("map") or {}).items()}
        require_columns(data, [column], role=rule)
        unknown = sorted(set(mapping.values()) - names)
        if unknown:
            raise InputError(f"The {rule} names grades not in the structure: {unknown[:5]}.")
        values = data[column].astype("string")
        blank = int(values.isna().sum())
        if blank:
            raise InputError(
                f"{blank:,} employees have no {column!r} recorded, so the {rule} cannot place "
                f"them: record their {column.replace('_', ' ')} or leave them out first."
            )
        new = values.map(mapping)
        missing = data.loc[new.isna(), column].astype("string").value_counts()
        if len(missing):
            raise InputError(
                f"{int(missing.sum()):,} employees have a {column!r} the {rule} does not cover "
                f"(e.g. {', '.join(map(repr, missing.index[:5]))}). Map every value."
            )
        return new.astype("string")
    if rule == "score_bands":
        column = spec.get("column", "je_score")
        require_columns(data, [column], role="score_bands")
        bands = pd.DataFrame(spec.get("bands") or [])
        require_columns(bands, ["grade", "min"], role="score band")
        unknown = sorted(set(bands["grade"].astype(str)) - names)
        if unknown:
            raise InputError(f"Score bands name grades not in the structure: {unknown[:5]}.")
        bands = bands.sort_values("min").reset_index(drop=True)
        score = pd.to_numeric(data[column], errors="coerce").to_numpy(dtype=float)
        idx = np.searchsorted(bands["min"].to_numpy(dtype=float), score, side="right") - 1
        bad = np.isnan(score) | (idx < 0)
        if bad.any():
            raise InputError(
                f"{int(bad.sum()):,} employees have a {column!r} missing or below the lowest band "
                f"(min {bands['min'].iloc[0]})."
            )
        return pd.Series(
            bands["grade"].astype(str).to_numpy()[idx], index=data.index, dtype="string"
        )
    raise InputError(f"Unknown assimilation rule {rule!r}; use one of {RULES}.")


def _place(
    pay: np.ndarray,
    service: np.ndarray,
    grade_idx: np.ndarray,
    salaries: np.ndarray,
    sizes: np.ndarray,
    placement: str,
) -> np.ndarray:
    """Point index (0-based) of every employee in the padded salary matrix ``salaries``."""
    k = sizes[grade_idx]
    own = salaries[grade_idx]  # (n, max points), padded with +inf
    if placement == "nearest_not_below":
        idx = (own < pay[:, None]).sum(axis=1)  # first point >= pay
    elif placement == "nearest":
        finite = np.where(np.isfinite(own), own, np.nan)
        dist = np.abs(finite - pay[:, None])
        # ties to the higher point: search from the top
        idx = own.shape[1] - 1 - np.nanargmin(dist[:, ::-1], axis=1)
    elif placement == "bottom":
        idx = np.zeros(len(pay), dtype=int)
    elif placement == "service":
        years = np.nan_to_num(service, nan=0.0)
        idx = np.floor(np.maximum(years, 0)).astype(int)
    else:
        raise InputError(f"Unknown placement {placement!r}; use one of {PLACEMENTS}.")
    return np.minimum(idx, k - 1)


@dataclass(frozen=True)
class Assimilation(Result):
    """Every employee on the new structure.

    Attributes
    ----------
    employees
        One row per employee (same index as the input): ``old_grade``, ``new_grade``,
        ``new_grade_rank``, ``new_point``, ``pay_before``, ``new_salary``, ``pay_on_assimilation``
        (with protection), ``pay_after_protection``, ``change`` and ``change_pct`` (after
        protection, FTE), ``protected``, ``above_top``, ``below_bottom``.
    before, on_assimilation, after_protection
        Canonical workforce tables: as now, and with grades and pay replaced (grade, grade_rank,
        annual_basic_pay, hourly_pay, ordinary_pay_period).
    """

    employees: pd.DataFrame
    before: pd.DataFrame
    on_assimilation: pd.DataFrame
    after_protection: pd.DataFrame
    structure: PayStructure
    rule: str
    placement: str
    protection_years: float
    notes: tuple[str, ...] = ()
    title: str = "Assimilation onto the proposed structure"

    def to_frame(self) -> pd.DataFrame:
        return self.employees.copy()

    def pay_bill(self) -> pd.DataFrame:
        """Annual basic pay bill ``sum(FTE x salary)`` now, on assimilation and after protection.

        An FTE that is not recorded counts as 1 (the annual pay as recorded is what is paid).
        """
        before = self.before
        fte = before["fte"].to_numpy(dtype=float) if "fte" in before else np.ones(len(before))
        fte = np.nan_to_num(fte, nan=1.0)
        e = self.employees
        rows = []
        for label, column in (
            ("current structure", "pay_before"),
            ("on assimilation (with pay protection)", "pay_on_assimilation"),
            ("after pay protection ends", "pay_after_protection"),
        ):
            rows.append((label, float(np.sum(fte * e[column].to_numpy(dtype=float)))))
        table = pd.DataFrame(rows, columns=["moment", "pay_bill"])
        table["change"] = table["pay_bill"] - table["pay_bill"].iloc[0]
        table["change_pct"] = 100 * table["change"] / table["pay_bill"].iloc[0]
        return table


def assimilate(
    data: pd.DataFrame,
    structure: PayStructure,
    *,
    rule: str | None = None,
    column: str | None = None,
    map: Mapping[str, str] | None = None,  # noqa: A002 - the YAML key
    bands: list[Mapping[str, Any]] | None = None,
    placement: str | None = None,
    protection_years: float | None = None,
    pay: str = "annual_basic_pay",
) -> Assimilation:
    """Assimilate every employee onto ``structure`` (see the module docstring for the rules).

    Arguments left as ``None`` are taken from the structure file's ``assimilation`` block; the
    defaults are ``placement="nearest_not_below"`` and ``protection_years=3``.

    Returns
    -------
    Assimilation
    """
    spec = dict(structure.assimilation)
    for key, value in (
        ("rule", rule),
        ("column", column),
        ("map", map),
        ("bands", bands),
        ("placement", placement),
        ("protection_years", protection_years),
    ):
        if value is not None:
            spec[key] = value
    rule = spec.get("rule", "grade_map")
    placement = spec.get("placement", "nearest_not_below")
    years = float(spec.get("protection_years", 3))
    if placement not in PLACEMENTS:
        raise InputError(f"Unknown placement {placement!r}; use one of {PLACEMENTS}.")
    if years < 0:
        raise InputError("protection_years must be 0 or more.")
    require_columns(data, [pay], role="assimilation")
    current = data[pay].to_numpy(dtype=float)
    if np.isnan(current).any() or (current <= 0).any():
        raise InputError(f"Every employee needs a positive {pay!r} to be assimilated.")
    new_grade = _new_grades(data, structure, rule, spec)
    table = structure.grade_table()
    grade_pos = {g: i for i, g in enumerate(table["grade"])}
    gidx = new_grade.map(grade_pos).to_numpy(dtype=int)
    sizes = table["points"].to_numpy()
    salaries = np.full((len(table), sizes.max()), np.inf)
    for i, s in enumerate(structure.points.groupby("grade_rank", sort=True)["salary"]):
        salaries[i, : len(s[1])] = s[1].to_numpy()
    if "start_date" in data and "snapshot_date" in data:
        service = ((data["snapshot_date"] - data["start_date"]).dt.days / 365.25).to_numpy(float)
    else:
        service = np.full(len(data), np.nan)
        if placement == "service":
            raise InputError("placement='service' needs start_date and snapshot_date columns.")
    point = _place(current, service, gidx, salaries, sizes, placement)
    new_salary = salaries[gidx, point]
    top = salaries[gidx, sizes[gidx] - 1]
    loses = new_salary < current
    protected = loses & (years > 0)
    on_assim = np.where(protected, current, new_salary)
    employees = pd.DataFrame(
        {
            # categoricals: one small code per employee, not a text per employee (20 million)
            "old_grade": data["grade"].astype("string").astype("category")
            if "grade" in data
            else pd.NA,
            "new_grade": new_grade.astype("category"),
            "new_grade_rank": table["grade_rank"].to_numpy()[gidx],
            "new_point": point + 1,
            "pay_before": current,
            "new_salary": new_salary,
            "pay_on_assimilation": on_assim,
            "pay_after_protection": new_salary,
            "change": new_salary - current,
            "change_pct": 100 * (new_salary - current) / current,
            "protected": protected,
            "above_top": current > top,
            "below_bottom": current < salaries[gidx, 0],
        },
        index=data.index,
    )
    notes = []
    if employees["above_top"].any():
        notes.append(
            f"{int(employees['above_top'].sum()):,} employees are paid above the top of their new "
            "grade; they are placed on its top point"
            + (f" and keep their pay for {years:g} years." if years > 0 else ".")
        )
    return Assimilation(
        employees=employees,
        before=data,
        on_assimilation=_apply(data, employees, "pay_on_assimilation", pay),
        after_protection=_apply(data, employees, "pay_after_protection", pay),
        structure=structure,
        rule=rule,
        placement=placement,
        protection_years=years,
        notes=tuple(notes),
    )


def _apply(data: pd.DataFrame, employees: pd.DataFrame, column: str, pay: str) -> pd.DataFrame:
    """The workforce table with new grades and pay; hourly and period pay scaled with basic pay."""
    out = data.copy(deep=False)  # columns are shared until replaced (copy on write)
    ratio = employees[column].to_numpy(float) / employees["pay_before"].to_numpy(float)
    out[pay] = employees[column].to_numpy(float)
    for c in ("hourly_pay", "ordinary_pay_period"):
        if c in out:
            out[c] = out[c].astype("float64") * ratio
    out["grade"] = employees["new_grade"]  # categorical (its texts sorted, as strings sort)
    out["grade_rank"] = pd.array(employees["new_grade_rank"], dtype="Int64")
    return out


__all__ = [
    "PLACEMENTS",
    "RULES",
    "Assimilation",
    "PayStructure",
    "as_structure",
    "assimilate",
    "assimilation_column",
    "structure_from_dict",
]
