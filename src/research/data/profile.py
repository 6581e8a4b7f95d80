"""What a canonical workforce table holds, measured: the data profile every report follows.

``profile(data, source)`` is a pure function of the canonical table (and the dataset's
:class:`~research.core.source.Source` for currency and jurisdiction). It measures, for each thing
a report may rely on, whether the data hold it for every row, some rows or none:

* working hours and full-time equivalence (FTE), and the working pattern;
* grades (how many, the share blank, whether a grade rank orders them), pay plans (pay scales);
* start dates (length of service), age bands, ethnicity, disability;
* contract types (permanent, fixed-term, temporary, casual) and benefits in kind (issue 15);
* bonus and other pay elements (``bonus_12m``, ``overtime_12m``, ``allowances_12m``): not in the
  data, recorded but zero for everyone, or paid;
* the pay currency, the jurisdiction and the statutory framework it implies, and the snapshot
  date(s).

Data that are absent are "not in the data", never 0. Each item comes with a plain-English sentence
and the consequence for the reports (:meth:`DataProfile.items`), e.g. "Working hours are not in the
data: pay is compared as annual basic pay." Ingest stores ``profile(...).to_dict()`` in the
dataset's summary (``summary["profile"]``, JSON); :meth:`DataProfile.from_dict` reads it back.

Counts of people in sentences follow the disclosure rule of tables: a count of 1 to
``min_cell - 1`` is written "fewer than <min_cell>" (and its percentage left out).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import pandas as pd

from research.core.source import Source
from research.data.schema import TEMPORARY_CONTRACTS, per_value

__all__ = ["COVERAGE", "PAY_ELEMENTS", "DataProfile", "PayElement", "ProfileItem", "profile"]

#: How much of the data holds a column: every row, some rows, or none ("not in the data").
COVERAGE = ("all", "some", "none")

#: Pay elements besides basic pay: (canonical column, label in sentences).
PAY_ELEMENTS: tuple[tuple[str, str], ...] = (
    ("bonus_12m", "Bonus pay"),
    ("overtime_12m", "Overtime pay"),
    ("allowances_12m", "Allowances"),
)
_PLURAL_ELEMENTS = frozenset({"allowances_12m"})

#: Threshold below which a count of people is not stated exactly (as tables' disclosure control).
DEFAULT_MIN_CELL = 10

_FRAMEWORK_TERMS = {
    "GB": "the terms of the GB gender pay gap regulations (Equality Act 2010)",
    "EU": "the terms of the EU Pay Transparency Directive (EU) 2023/970",
}


@dataclass(frozen=True)
class PayElement:
    """One pay element: ``status`` is ``"none"`` (not in the data), ``"zero"`` or ``"paid"``."""

    column: str
    status: str
    n_known: int = 0
    n_paid: int = 0


@dataclass(frozen=True)
class ProfileItem:
    """One line of the profile, as reports show it.

    ``held`` is ``"Yes"``, ``"Some rows"`` or ``"No"`` (or a value such as the currency code);
    ``detail`` the measurement; ``sentence`` a plain-English sentence for reports; ``consequence``
    what it means for the other reports.
    """

    key: str
    label: str
    held: str
    detail: str
    sentence: str
    consequence: str


@dataclass(frozen=True)
class DataProfile:
    """What a canonical workforce table holds (see the module docstring).

    Coverage attributes (``hours``, ``fte``, ``working_pattern``, ``grades``, ``pay_plans``,
    ``start_dates``, ``age_bands``, ``ethnicity``, ``disability``) are ``"all"``, ``"some"`` or
    ``"none"``, as are ``contract_types`` and ``benefits_in_kind``; ``n_<name>`` the rows with a
    value, ``n_temporary`` those on a fixed-term or temporary contract and ``n_benefit_received``
    those who received a benefit in kind. ``grades_ordered`` is ``None`` without grades,
    else whether every graded row has a grade rank; ``n_rank_ties`` counts grades sharing their rank
    with another grade; ``n_pay_plans`` counts distinct pay plans and ``n_pay_plan_rows`` the rows
    with one. ``currency``, ``jurisdiction`` and ``framework`` are ``None`` when no
    source was given (not stated). ``snapshots`` are the distinct snapshot dates (ISO, ascending).
    """

    n_rows: int
    hours: str = "none"
    n_hours: int = 0
    fte: str = "none"
    n_fte: int = 0
    working_pattern: str = "none"
    n_working_pattern: int = 0
    n_part_time: int = 0
    grades: str = "none"
    n_graded: int = 0
    n_grades: int = 0
    grades_ordered: bool | None = None
    n_rank_ties: int = 0
    pay_plans: str = "none"
    n_pay_plans: int = 0
    n_pay_plan_rows: int = 0
    start_dates: str = "none"
    n_start_dates: int = 0
    age_bands: str = "none"
    n_age_bands: int = 0
    n_age_band_values: int = 0
    ethnicity: str = "none"
    n_ethnicity: int = 0
    disability: str = "none"
    n_disability: int = 0
    contract_types: str = "none"
    n_contract_types: int = 0
    n_temporary: int = 0
    benefits_in_kind: str = "none"
    n_benefits_in_kind: int = 0
    n_benefit_received: int = 0
    pay_elements: tuple[PayElement, ...] = field(default_factory=tuple)
    currency: str | None = None
    jurisdiction: str | None = None
    framework: str | None = None
    snapshots: tuple[str, ...] = ()

    # ------------------------------------------------------------------ convenience

    @property
    def hours_known(self) -> bool:
        """Whether every row has working hours (so pay can be compared per hour)."""
        return self.hours == "all"

    @property
    def pay_measure(self) -> str:
        """``"hourly"`` when hours are known for every row, else ``"annual"``."""
        return "hourly" if self.hours_known else "annual"

    @property
    def n_grade_blank(self) -> int:
        """Rows whose grade is blank (0 when no grade is recorded at all)."""
        return self.n_rows - self.n_graded if self.grades == "some" else 0

    def element(self, column: str) -> PayElement:
        """The :class:`PayElement` of ``column`` (``status="none"`` when not profiled)."""
        for element in self.pay_elements:
            if element.column == column:
                return element
        return PayElement(column, "none")

    # ------------------------------------------------------------------ serialisation

    def to_dict(self, min_cell: int = DEFAULT_MIN_CELL) -> dict[str, Any]:
        """JSON-able dict of the measurements, with the items (sentences) at ``min_cell``."""
        out = asdict(self)
        out["pay_elements"] = [asdict(e) for e in self.pay_elements]
        out["snapshots"] = list(self.snapshots)
        out["items"] = [asdict(i) for i in self.items(min_cell)]
        return out

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> DataProfile:
        """The profile :meth:`to_dict` wrote (its ``items`` are regenerated, not read)."""
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in values.items() if k in known}
        kwargs["pay_elements"] = tuple(PayElement(**e) for e in values.get("pay_elements", ()))
        kwargs["snapshots"] = tuple(values.get("snapshots", ()))
        return cls(**kwargs)

    # ------------------------------------------------------------------ sentences

    def items(self, min_cell: int = DEFAULT_MIN_CELL) -> tuple[ProfileItem, ...]:
        """One :class:`ProfileItem` per measured thing, in reading order."""
        items = [
            _hours_item(self, min_cell),
            _fte_item(self, min_cell),
            _pattern_item(self, min_cell),
            _grades_item(self, min_cell),
            _pay_plans_item(self, min_cell),
            _optional_item(
                self,
                "start_dates",
                "Start dates (length of service)",
                min_cell,
                absent=(
                    "Start dates are not in the data: length of service cannot be taken into "
                    "account.",
                    "No length-of-service analysis; service is not used to explain pay.",
                ),
                present=(
                    "Start dates are recorded for {cov}: length of service can be taken into "
                    "account.",
                    "Length of service available to the equal pay audit and the decomposition.",
                ),
            ),
            _optional_item(
                self,
                "age_bands",
                "Age bands",
                min_cell,
                absent=(
                    "Age bands are not in the data: there is no breakdown by age, and age is not "
                    "used to explain pay.",
                    "No breakdown by age; age not used to explain pay.",
                ),
                present=(
                    "Age bands ({k}) are recorded for {cov}.",
                    "Breakdowns by age possible.",
                ),
                k=self.n_age_band_values,
            ),
            *(
                _element_item(self.element(c), label, self.n_rows, min_cell)
                for c, label in PAY_ELEMENTS
            ),
            _optional_item(
                self,
                "ethnicity",
                "Ethnicity",
                min_cell,
                absent=(
                    "Ethnicity is not in the data: no pay gap by ethnicity can be calculated.",
                    "No pay gap by ethnicity.",
                ),
                present=(
                    "Ethnicity is recorded for {cov}.",
                    "Pay gaps by ethnicity possible.",
                ),
            ),
            _optional_item(
                self,
                "disability",
                "Disability",
                min_cell,
                absent=(
                    "Disability is not in the data: no pay gap by disability can be calculated.",
                    "No pay gap by disability.",
                ),
                present=(
                    "Disability status is recorded for {cov}.",
                    "Pay gaps by disability possible.",
                ),
            ),
            _contract_item(self, min_cell),
            _benefit_item(self, min_cell),
            _currency_item(self),
            _framework_item(self),
            _snapshots_item(self),
        ]
        return tuple(items)

    def item(self, key: str, min_cell: int = DEFAULT_MIN_CELL) -> ProfileItem:
        """The item named ``key`` (``"hours"``, ``"grades"``, ``"bonus_12m"``, ...)."""
        for item in self.items(min_cell):
            if item.key == key:
                return item
        raise KeyError(f"No profile item {key!r}; items: {[i.key for i in self.items()]}.")

    def sentence(self, key: str, min_cell: int = DEFAULT_MIN_CELL) -> str:
        """The plain-English sentence of item ``key``."""
        return self.item(key, min_cell).sentence

    def to_frame(self, min_cell: int = DEFAULT_MIN_CELL) -> pd.DataFrame:
        """The items as a table (key, label, held, detail, sentence, consequence)."""
        return pd.DataFrame([asdict(i) for i in self.items(min_cell)])


# ----------------------------------------------------------------------------- measuring


def _present(data: pd.DataFrame, column: str) -> pd.Series:
    """Rows with a value in ``column`` (blank text counts as no value); all False when absent."""
    if column not in data:
        return pd.Series(False, index=data.index)
    values = data[column]
    if (
        isinstance(values.dtype, pd.CategoricalDtype)
        or pd.api.types.is_object_dtype(values)
        or pd.api.types.is_string_dtype(values)
    ):
        return per_value(values, _has_text)  # a categorical: each category once
    return values.notna().astype(bool)


def _has_text(values: pd.Series) -> pd.Series:
    known = values.notna()
    text = values.astype("string").str.strip()
    known &= (text != "").fillna(False)
    return known.astype(bool)


def _coverage(n: int, total: int) -> str:
    if n == 0:
        return "none"
    return "all" if n == total else "some"


def _distinct(data: pd.DataFrame, column: str, known: pd.Series) -> int:
    return int(data.loc[known, column].astype("string").str.strip().nunique()) if known.any() else 0


def _element(data: pd.DataFrame, column: str) -> PayElement:
    if column not in data:
        return PayElement(column, "none")
    values = pd.to_numeric(data[column], errors="coerce")
    known = int(values.notna().sum())
    paid = int((values > 0).sum())
    status = "none" if known == 0 else ("paid" if paid else "zero")
    return PayElement(column, status, known, paid)


def profile(data: pd.DataFrame, source: Source | None = None) -> DataProfile:
    """Measure what the canonical table ``data`` holds (see the module docstring).

    ``source`` gives the currency and jurisdiction; without it they are not stated (``None``).
    Columns that are missing from ``data`` are "not in the data", like columns with no value.
    """
    n = len(data)
    counts: dict[str, Any] = {"n_rows": n}
    for name, column in (
        ("hours", "weekly_hours"),
        ("fte", "fte"),
        ("working_pattern", "working_pattern"),
        ("start_dates", "start_date"),
        ("age_bands", "age_band"),
        ("ethnicity", "ethnicity"),
        ("disability", "disability"),
        ("contract_types", "contract_type"),
        ("benefits_in_kind", "benefit_in_kind"),
    ):
        k = int(_present(data, column).sum())
        counts[name], counts[f"n_{name}"] = _coverage(k, n), k
    if counts["contract_types"] != "none":
        temporary = per_value(
            data["contract_type"],
            lambda kinds: kinds.astype("string").str.strip().isin(TEMPORARY_CONTRACTS),
        )
        counts["n_temporary"] = int(temporary.sum())
    if counts["benefits_in_kind"] != "none":
        received = data["benefit_in_kind"].astype("boolean")
        counts["n_benefit_received"] = int(received.fillna(False).sum())
    if counts["working_pattern"] != "none":
        part_time = per_value(
            data["working_pattern"],
            lambda pattern: pattern.astype("string").str.strip().str.lower() == "part_time",
        )
        counts["n_part_time"] = int(part_time.sum())
    counts["n_age_band_values"] = _distinct(data, "age_band", _present(data, "age_band"))

    graded = _present(data, "grade")
    counts["n_graded"] = int(graded.sum())
    counts["grades"] = _coverage(counts["n_graded"], n)
    if graded.any():
        grades = data.loc[graded, "grade"].astype("string").str.strip()
        counts["n_grades"] = int(grades.nunique())
        ranks = (
            pd.to_numeric(data.loc[graded, "grade_rank"], errors="coerce")
            if "grade_rank" in data
            else pd.Series(float("nan"), index=grades.index)
        )
        counts["grades_ordered"] = bool(ranks.notna().all())
        if counts["grades_ordered"]:
            pairs = pd.DataFrame({"grade": grades, "rank": ranks}).drop_duplicates()
            shared = pairs.groupby("rank")["grade"].transform("nunique") > 1
            counts["n_rank_ties"] = int(pairs.loc[shared, "grade"].nunique())
    plans = _present(data, "pay_plan")
    counts["n_pay_plan_rows"] = int(plans.sum())
    counts["pay_plans"] = _coverage(counts["n_pay_plan_rows"], n)
    counts["n_pay_plans"] = _distinct(data, "pay_plan", plans)

    elements = tuple(_element(data, column) for column, _ in PAY_ELEMENTS)
    snapshots: tuple[str, ...] = ()
    if "snapshot_date" in data:
        dates = pd.to_datetime(data["snapshot_date"], errors="coerce").dropna()
        snapshots = tuple(f"{d:%Y-%m-%d}" for d in sorted(dates.dt.normalize().unique()))
    return DataProfile(
        **counts,
        pay_elements=elements,
        currency=source.currency if source is not None else None,
        jurisdiction=source.jurisdiction.strip() if source is not None else None,
        framework=source.framework if source is not None else None,
        snapshots=snapshots,
    )


# ----------------------------------------------------------------------------- wording


def _count(n: int, min_cell: int) -> str:
    """A count of people as a sentence may state it (see the module docstring)."""
    return f"fewer than {min_cell:,}" if 0 < n < min_cell else f"{n:,}"


def _share(n: int, total: int, min_cell: int) -> str:
    """``"1,180 of 1,200 employees (98.3%)"``, small counts as words and without a share."""
    if 0 < n < min_cell or 0 < total - n < min_cell:
        return f"{_count(n, min_cell)} of {total:,} employees"
    return f"{n:,} of {total:,} employees ({100 * n / total:.1f}%)" if total else "no employees"


def _held(coverage: str) -> str:
    return {"all": "Yes", "some": "Some rows", "none": "No"}[coverage]


def _cov(p: DataProfile, n: int, min_cell: int) -> str:
    return "every employee" if n == p.n_rows else _share(n, p.n_rows, min_cell)


def _hours_item(p: DataProfile, min_cell: int) -> ProfileItem:
    label = "Working hours"
    if p.hours == "none":
        return ProfileItem(
            "hours",
            label,
            "No",
            "not in the data",
            "Working hours are not in the data: pay is compared as annual basic pay.",
            "No hourly pay gap; annual basic pay is compared.",
        )
    if p.hours == "some":
        missing = p.n_rows - p.n_hours
        return ProfileItem(
            "hours",
            label,
            "Some rows",
            f"recorded for {_share(p.n_hours, p.n_rows, min_cell)}",
            f"Working hours are recorded for {_share(p.n_hours, p.n_rows, min_cell)} and "
            f"missing for {_count(missing, min_cell)}: hourly pay exists only where hours are "
            "recorded.",
            "Hourly pay covers only the employees with hours; check why hours are missing.",
        )
    return ProfileItem(
        "hours",
        label,
        "Yes",
        "recorded for every employee",
        "Working hours are recorded for every employee, so pay is compared per hour.",
        "Hourly pay gap computed for everyone.",
    )


def _fte_item(p: DataProfile, min_cell: int) -> ProfileItem:
    label = "Full-time equivalence (FTE)"
    if p.fte == "none":
        return ProfileItem(
            "fte",
            label,
            "No",
            "not in the data",
            "Full-time equivalence (FTE) is not in the data: annual pay is taken as recorded, "
            "and part-time salaries cannot be turned into full-time equivalents.",
            "No full-time-equivalent adjustment of pay.",
        )
    cov = _cov(p, p.n_fte, min_cell)
    return ProfileItem(
        "fte",
        label,
        _held(p.fte),
        f"recorded for {cov}",
        f"Full-time equivalence (FTE) is recorded for {cov}.",
        "Annual pay can be put on a full-time-equivalent basis"
        + (" where FTE is recorded." if p.fte == "some" else "."),
    )


def _pattern_item(p: DataProfile, min_cell: int) -> ProfileItem:
    label = "Working pattern (full or part time)"
    if p.working_pattern == "none":
        return ProfileItem(
            "working_pattern",
            label,
            "No",
            "not in the data",
            "The working pattern (full or part time) is not in the data: full-time and "
            "part-time staff cannot be compared separately.",
            "No full-time-only comparison and no claim about working patterns.",
        )
    cov = _cov(p, p.n_working_pattern, min_cell)
    part = _share(p.n_part_time, p.n_working_pattern, min_cell).replace(" employees", "")
    return ProfileItem(
        "working_pattern",
        label,
        _held(p.working_pattern),
        f"recorded for {cov}; part time: {part}",
        f"The working pattern is recorded for {cov}; {part} work part time.",
        "Full-time staff can be compared on their own.",
    )


def _grades_item(p: DataProfile, min_cell: int) -> ProfileItem:
    label = "Grades"
    if p.grades == "none":
        return ProfileItem(
            "grades",
            label,
            "No",
            "not in the data",
            "Grades are not in the data: no analysis by grade is possible.",
            "No grade tables or grade indices; the equal pay audit groups by occupation.",
        )
    grades = f"{p.n_grades:,} grade{'s' if p.n_grades != 1 else ''}"
    if p.grades_ordered:
        order = "ordered by grade rank"
        if p.n_rank_ties:
            order += f" ({p.n_rank_ties:,} grades share a rank with another)"
        consequence = f"Grade indices use all {grades}, in rank order"
    else:
        order = "with no grade rank, so no order"
        consequence = "Grades are shown in name order, with no claim about lower or higher grades"
    detail = f"{grades}, {order}"
    if p.grades == "some":
        blank = p.n_rows - p.n_graded
        share = _share(blank, p.n_rows, min_cell)
        detail += f"; blank for {share}"
        sentence = (
            f"{grades.capitalize()} are recorded, {order}; the grade is blank for {share}, "
            'shown as "not recorded" and left out of grade indices.'
        )
        consequence += "; blank grades are left out of grade indices, with their count stated."
    else:
        sentence = f"{grades.capitalize()} are recorded for every employee, {order}."
        consequence += "."
    return ProfileItem("grades", label, _held(p.grades), detail, sentence, consequence)


def _pay_plans_item(p: DataProfile, min_cell: int) -> ProfileItem:
    label = "Pay plans (pay scales)"
    if p.pay_plans == "none":
        return ProfileItem(
            "pay_plans",
            label,
            "No",
            "not in the data",
            "Pay plans (pay scales) are not in the data: grades of different pay scales cannot "
            "be told apart.",
            "All grades are treated as one pay scale.",
        )
    plans = f"{p.n_pay_plans:,} pay plan{'s' if p.n_pay_plans != 1 else ''}"
    cov = _cov(p, p.n_pay_plan_rows, min_cell)
    return ProfileItem(
        "pay_plans",
        label,
        _held(p.pay_plans),
        f"{plans}, recorded for {cov}",
        f"{plans.capitalize()} recorded for {cov}: grades of different pay plans are kept apart.",
        "Grades of different pay plans are kept apart.",
    )


def _optional_item(
    p: DataProfile,
    key: str,
    label: str,
    min_cell: int,
    *,
    absent: tuple[str, str],
    present: tuple[str, str],
    k: int = 0,
) -> ProfileItem:
    coverage, n = getattr(p, key), getattr(p, f"n_{key}")
    if coverage == "none":
        return ProfileItem(key, label, "No", "not in the data", *absent)
    cov = _cov(p, n, min_cell)
    sentence, consequence = present
    return ProfileItem(
        key,
        label,
        _held(coverage),
        f"recorded for {cov}" + (f"; {k:,} values" if k else ""),
        sentence.format(cov=cov, k=k),
        consequence,
    )


def _element_item(e: PayElement, label: str, n_rows: int, min_cell: int) -> ProfileItem:
    lower = label[0].lower() + label[1:]
    is_, was = ("are", "were") if e.column in _PLURAL_ELEMENTS else ("is", "was")
    if e.status == "none":
        return ProfileItem(
            e.column,
            label,
            "No",
            "not in the data",
            f"{label} {is_} not in the data: no gap in {lower} can be calculated, and receipt is "
            "not known (not zero).",
            f"No gap in {lower}; receipt not known.",
        )
    if e.status == "zero":
        return ProfileItem(
            e.column,
            label,
            "Yes, all zero",
            "recorded, all zero"
            + ("" if e.n_known == n_rows else f" ({_share(e.n_known, n_rows, min_cell)})"),
            f"{label} {is_} recorded but zero for everyone: none was paid, so there is no gap in "
            f"{lower} to calculate.",
            f"No gap in {lower} (none paid).",
        )
    paid = _share(e.n_paid, n_rows, min_cell)
    return ProfileItem(
        e.column,
        label,
        "Yes, paid",
        f"paid to {paid}",
        f"{label} {was} paid to {paid}.",
        f"Gap in {lower} and the share receiving it can be calculated.",
    )


def _contract_item(p: DataProfile, min_cell: int) -> ProfileItem:
    label = "Contract type (permanent, fixed-term, temporary, casual)"
    if p.contract_types == "none":
        return ProfileItem(
            "contract_types",
            label,
            "No",
            "not in the data",
            "Contract types are not in the data: the pay gap of employees on temporary "
            "contracts cannot be calculated, and no one is assumed to be permanent.",
            "No gap for temporary-contract employees.",
        )
    cov = _cov(p, p.n_contract_types, min_cell)
    temporary = _share(p.n_temporary, p.n_contract_types, min_cell).replace(" employees", "")
    return ProfileItem(
        "contract_types",
        label,
        _held(p.contract_types),
        f"recorded for {cov}; fixed-term or temporary: {temporary}",
        f"Contract types are recorded for {cov}; {temporary} are on fixed-term or temporary "
        "contracts.",
        "Gap for employees on temporary contracts possible.",
    )


def _benefit_item(p: DataProfile, min_cell: int) -> ProfileItem:
    label = "Benefits in kind"
    if p.benefits_in_kind == "none":
        return ProfileItem(
            "benefits_in_kind",
            label,
            "No",
            "not in the data",
            "Benefits in kind are not in the data: who received one is not known (not nobody).",
            "No share of women and men receiving benefits in kind.",
        )
    cov = _cov(p, p.n_benefits_in_kind, min_cell)
    received = _share(p.n_benefit_received, p.n_benefits_in_kind, min_cell).replace(
        " employees", ""
    )
    return ProfileItem(
        "benefits_in_kind",
        label,
        _held(p.benefits_in_kind),
        f"recorded for {cov}; received: {received}",
        f"Whether employees received a benefit in kind is recorded for {cov}; {received} did.",
        "Shares of women and men receiving benefits in kind possible.",
    )


def _currency_item(p: DataProfile) -> ProfileItem:
    if not p.currency:
        return ProfileItem(
            "currency",
            "Currency",
            "Not stated",
            "not stated",
            "The pay currency is not stated.",
            "Amounts are shown without a stated currency.",
        )
    return ProfileItem(
        "currency",
        "Currency",
        p.currency,
        f"pay in {p.currency}",
        f"Pay is in {p.currency}.",
        f"Amounts are shown in {p.currency}.",
    )


def _framework_item(p: DataProfile) -> ProfileItem:
    label = "Jurisdiction and statutory framework"
    if p.framework is None:
        return ProfileItem(
            "framework",
            label,
            "Not stated",
            "not stated",
            "The jurisdiction is not stated.",
            "Figures are framed as the reports' defaults do.",
        )
    where = (
        f"The jurisdiction is {p.jurisdiction}"
        if p.jurisdiction
        else f"No jurisdiction is declared; the currency {p.currency or 'given'} implies"
    )
    if p.framework in _FRAMEWORK_TERMS:
        terms = _FRAMEWORK_TERMS[p.framework]
        sentence = (
            f"{where}: figures are framed in {terms}."
            if p.jurisdiction
            else f"{where} {p.framework}: figures are framed in {terms}."
        )
        consequence = (
            f"Statutory {p.framework} figures and wording."
            if p.hours != "none" or p.framework != "GB"
            else "GB wording; the statutory figures are of hourly pay, so working hours are "
            "needed and not in the data."
        )
    else:
        sentence = (
            f"{where}: no GB or EU statutory framework applies, so figures carry neutral names."
            if p.jurisdiction
            else f"{where} no GB or EU statutory framework, so figures carry neutral names."
        )
        consequence = "No statutory framing; neutral names such as gap in median pay."
    detail = f"jurisdiction {p.jurisdiction or 'not declared'}; framework: {p.framework}"
    held = p.framework if p.framework != "none" else "None applies"
    return ProfileItem("framework", label, held, detail, sentence, consequence)


def _long_date(iso: str) -> str:
    day = pd.Timestamp(iso)
    return f"{day.day} {day:%B %Y}"


def _snapshots_item(p: DataProfile) -> ProfileItem:
    label = "Snapshot dates"
    k = len(p.snapshots)
    if k == 0:
        return ProfileItem(
            "snapshots",
            label,
            "No",
            "not in the data",
            "Snapshot dates are not in the data.",
            "The date the figures refer to is not known.",
        )
    if k == 1:
        day = _long_date(p.snapshots[0])
        return ProfileItem(
            "snapshots",
            label,
            "One",
            day,
            f"The data hold one snapshot, {day}.",
            "A single point in time: no change over time.",
        )
    first, last = _long_date(p.snapshots[0]), _long_date(p.snapshots[-1])
    return ProfileItem(
        "snapshots",
        label,
        f"{k:,}",
        f"{k:,} snapshots, {first} to {last}",
        f"The data hold {k:,} snapshots, from {first} to {last}.",
        "Change over time can be shown between snapshots.",
    )
