"""Where one council stands among all councils, how it has moved, and how councils compare.

Every function takes the council table of :func:`research.gpg.selection.councils` (or the panel
with sectors, for :func:`sector_summary`) and returns a tidy DataFrame; :func:`benchmark` bundles
the tables for one council and one year in a :class:`CouncilBenchmark` result.

Conventions
-----------
* Only each council's latest submission for a year counts (``superseded`` rows are left out).
* A year whose only file is partial (2023-24 here) is *missing*: it appears in every trend as an
  empty year, is never interpolated, and cannot be chosen as the benchmark year.
* Pay gaps are the service's: (men's mean or median hourly pay - women's) / men's x 100, so a
  positive gap means men are paid more; bonus gaps likewise for bonus pay.
* Percentile rank: the percentage of councils with a smaller value, counting ties as half
  (a mid-rank), so the middle council is at 50 whatever the ties. A percentile rank of 80 for the
  median pay gap means the council's gap is larger than that of 80% of councils.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research.core.checks import InputError, require_columns
from research.core.results import Result
from research.data.schema import GOV_UK_COLUMNS as NUMERIC_COLUMNS
from research.data.schema import normalise_employer_name as normalise_name
from research.gpg.selection import is_council, place_key, type_words
from research.present.wording import long_date

__all__ = [
    "FIGURES",
    "AmbiguousEmployer",
    "CouncilBenchmark",
    "EmployerNotFound",
    "all_years",
    "benchmark",
    "complete_years",
    "current",
    "distribution",
    "extremes",
    "late_submissions",
    "match_council",
    "peers",
    "percentile_rank",
    "position",
    "quartiles_over_time",
    "resolve_year",
    "sector_summary",
    "sector_trend",
    "summary_by",
    "trend",
]

#: The published figures compared, with the statutory calculation (1-6) each belongs to.
FIGURES = pd.DataFrame(
    [
        (1, "DiffMeanHourlyPercent", "Mean hourly pay gap"),
        (2, "DiffMedianHourlyPercent", "Median hourly pay gap"),
        (3, "DiffMeanBonusPercent", "Mean bonus gap"),
        (4, "DiffMedianBonusPercent", "Median bonus gap"),
        (5, "FemaleBonusPercent", "Women given a bonus"),
        (5, "MaleBonusPercent", "Men given a bonus"),
        (6, "FemaleLowerQuartile", "Women in lower quarter"),
        (6, "FemaleLowerMiddleQuartile", "Women in lower middle quarter"),
        (6, "FemaleUpperMiddleQuartile", "Women in upper middle quarter"),
        (6, "FemaleTopQuartile", "Women in top quarter"),
    ],
    columns=["figure", "column", "measure"],
)

QUARTERS = {
    "FemaleLowerQuartile": "Lower",
    "FemaleLowerMiddleQuartile": "Lower middle",
    "FemaleUpperMiddleQuartile": "Upper middle",
    "FemaleTopQuartile": "Top",
}

#: Fewest similar councils (same type and size band) before the size condition is dropped.
MIN_PEERS = 5


class EmployerNotFound(InputError):
    """No council matches a name; ``suggestions`` holds the closest council names."""

    def __init__(self, message: str, suggestions: list[str]):
        super().__init__(message)
        self.suggestions = suggestions


class AmbiguousEmployer(InputError):
    """A name matches several councils; ``candidates`` lists them."""

    def __init__(self, message: str, candidates: list[str]):
        super().__init__(message)
        self.candidates = candidates


# ----------------------------------------------------------------------------- years


def year_label(start: int) -> str:
    """``2017`` -> ``"2017-18"``."""
    return f"{start}-{(start + 1) % 100:02d}"


def complete_years(panel: pd.DataFrame) -> list[str]:
    """Reporting years in the panel that come from complete files (partial years are missing)."""
    years = panel.loc[~panel["partial_year"], "reporting_year"].dropna().unique().tolist()
    return sorted(years)


def all_years(panel: pd.DataFrame) -> list[str]:
    """Every reporting year from the first to the last in the panel, gaps included, in order."""
    starts = panel["year_start"]
    return [year_label(int(y)) for y in np.arange(starts.min(), starts.max() + 1)]


# ----------------------------------------------------------------------------- selection


def size_label(band: object) -> str:
    """A size band in words with thousands separators: ``"5000 to 19,999"`` -> ``"5,000 to
    19,999"``; ``"Not Provided"`` -> ``"size not given"``."""
    text = str(band)
    if text == "Not Provided":
        return "size not given"
    return re.sub(r"\d{4,}", lambda m: f"{int(m.group()):,}", text).lower()


#: Columns the comparisons use (a narrow frame filters much faster than all 50 columns).
ANALYSIS_COLUMNS = (
    "reporting_year",
    "council_id",
    "council_name",
    "council_type",
    "nation",
    "EmployerSize",
    *NUMERIC_COLUMNS,
    "SubmittedAfterTheDeadline",
    "DueDate",
    "DateSubmitted",
)


def current(councils: pd.DataFrame) -> pd.DataFrame:
    """Latest submission per council and year, partial years left out (analysis columns only)."""
    require_columns(councils, ["superseded", "partial_year", "council_id"], role="councils")
    keep = ~councils["superseded"] & ~councils["partial_year"]
    return councils.loc[keep, [c for c in ANALYSIS_COLUMNS if c in councils]]


def resolve_year(councils: pd.DataFrame, year: str | int = "latest") -> str:
    """A reporting year label (``"2024-25"``) from ``"latest"``, ``"2024-25"``, ``"2024/25"``
    or ``2024``; refuses years with no complete data, listing the years there are."""
    available = complete_years(councils)
    text = str(year).strip().lower()
    if text in ("", "latest"):
        return available[-1]
    match = re.fullmatch(r"(\d{4})(?:\s*[-/]\s*(\d{2}|\d{4}))?", text)
    label = year_label(int(match[1])) if match else text
    if label in available:
        return label
    partial = set(councils.loc[councils["partial_year"], "reporting_year"])
    reason = (
        "only an early partial download exists for it, so it is treated as missing"
        if label in partial
        else "there is no data for it"
    )
    raise InputError(
        f"Year {year!r} cannot be used: {reason}. Choose 'latest' or one of {', '.join(available)}."
    )


def _names(councils: pd.DataFrame) -> pd.DataFrame:
    """Every name a council has used (EmployerName and CurrentName), with keys to match on."""
    names = pd.concat(
        [
            councils[["council_id", "council_name", "EmployerName"]].rename(
                columns={"EmployerName": "name"}
            ),
            councils[["council_id", "council_name", "CurrentName"]].rename(
                columns={"CurrentName": "name"}
            ),
        ]
    ).dropna(subset=["name"])
    names = names.assign(key=normalise_name(names["name"]), place=place_key(names["name"]))
    return names.drop_duplicates(["council_id", "key"]).reset_index(drop=True)


def _listing(names: pd.Series, limit: int = 12) -> str:
    shown = sorted(names.unique())
    text = "; ".join(shown[:limit])
    return text + (f"; and {len(shown) - limit} more" if len(shown) > limit else "")


def match_council(councils: pd.DataFrame, employer: str) -> str:
    """The ``council_id`` of the council called ``employer``, tolerant of case and punctuation.

    Tried in order, on names normalised by :func:`research.data.schema.normalise_employer_name`
    (every name a council has used counts): the whole name (``"leeds city council"``), the place
    (``"Leeds"``: the name without words such as CITY, COUNCIL, BOROUGH), then names containing
    every word given (``"Hammersmith"``). The first step that finds councils decides.

    Raises
    ------
    AmbiguousEmployer
        When that step finds more than one council; the message lists them.
    EmployerNotFound
        When nothing matches; the message suggests the closest council names and says when the
        name is a GOV.UK employer that is not a council.
    """
    require_columns(councils, ["council_id", "council_name", "EmployerName", "CurrentName"])
    query = normalise_name(pd.Series([str(employer)])).iloc[0]
    if not query:
        raise InputError("No employer name given: pass a council name, e.g. 'Leeds City Council'.")
    names = _names(councils)
    words = set(query.split())
    contains = names["key"].str.split().map(words.issubset)
    for found in (
        names["key"] == query,
        names["place"] == place_key(pd.Series([query])).iloc[0],
        contains,
    ):
        hits = names.loc[found]
        ids = hits["council_id"].unique()
        if len(ids) == 1:
            return str(ids[0])
        if len(ids) > 1:
            candidates = hits.drop_duplicates("council_id")["council_name"]
            raise AmbiguousEmployer(
                f"{employer!r} matches {len(ids)} councils: {_listing(candidates)}. "
                "Give the full name of one of them.",
                sorted(candidates),
            )
    close = difflib.get_close_matches(query, names["key"].unique().tolist(), n=5, cutoff=0.6)
    by_key = names.drop_duplicates("key").set_index("key")["council_name"]
    suggested = list(dict.fromkeys(by_key.loc[close]))  # closest first
    hint = f" Did you mean: {'; '.join(suggested)}?" if suggested else ""
    note = ""
    if "EmployerName" in councils and not is_council(pd.Series([str(employer)])).iloc[0]:
        note = (
            " (Only councils are benchmarked: names with COUNCIL, LONDON BOROUGH, ROYAL BOROUGH"
            " OF, CYNGOR or COMHAIRLE, or the City of London Corporation.)"
        )
    raise EmployerNotFound(f"No council matches {employer!r}.{hint}{note}", suggested)


# ----------------------------------------------------------------------------- distributions


def percentile_rank(values: pd.Series, value: float) -> float:
    """Percentage of ``values`` below ``value``, ties counted half (NaN when either is missing)."""
    present = pd.to_numeric(values, errors="coerce").dropna().to_numpy()
    if present.size == 0 or value is None or pd.isna(value):
        return float("nan")
    below = np.count_nonzero(present < value)
    ties = np.count_nonzero(present == value)
    return float(100.0 * (below + 0.5 * ties) / present.size)


def _row_ranks(rows: pd.DataFrame, index: pd.Index, columns: list[str]) -> pd.Series:
    """Percentile rank (mid-rank) of the first row in ``index`` within ``rows``, per column."""
    if len(index) == 0 or index[0] not in rows.index:
        return pd.Series(np.nan, index=columns)
    ranked = rows[columns].rank(method="average")
    counts = rows[columns].notna().sum()
    return ((ranked.loc[index[0]] - 0.5) / counts * 100.0).astype("float64")


def distribution(councils: pd.DataFrame, year: str) -> pd.DataFrame:
    """Across all councils in ``year``: n, mean, lower quartile, median, upper quartile, min, max
    of each figure in :data:`FIGURES`."""
    rows = current(councils)
    rows = rows.loc[rows["reporting_year"] == year, FIGURES["column"].tolist()]
    table = rows.describe(percentiles=[0.25, 0.5, 0.75]).T
    table = table.rename(columns={"count": "n", "25%": "p25", "50%": "median", "75%": "p75"})
    table = FIGURES.merge(table, left_on="column", right_index=True)
    table["n"] = table["n"].astype("int64")
    return table[["figure", "measure", "column", "n", "mean", "p25", "median", "p75", "min", "max"]]


def peers(councils: pd.DataFrame, council_id: str, year: str) -> tuple[pd.DataFrame, str]:
    """Similar councils in ``year``: same council type and size band (the type alone when fewer
    than :data:`MIN_PEERS` share the band). Returns the table and a description of the rule."""
    rows = current(councils)
    rows = rows.loc[rows["reporting_year"] == year]
    own = rows.loc[rows["council_id"] == council_id]
    if own.empty:
        return rows.iloc[0:0], "the council did not report this year"
    kind, size = own["council_type"].iloc[0], own["EmployerSize"].iloc[0]
    same_type = rows["council_type"] == kind
    chosen = same_type & (rows["EmployerSize"] == size)
    rule = f"{type_words(kind, plural=True)} with {size_label(size)} employees"
    if chosen.sum() - 1 < MIN_PEERS or size == "Not Provided":
        chosen, rule = (
            same_type,
            f"all {type_words(kind, plural=True)} (too few share its size band)",
        )
    table = rows.loc[chosen].assign(this_council=lambda d: d["council_id"] == council_id)
    columns = [
        "council_name",
        "EmployerSize",
        "DiffMeanHourlyPercent",
        "DiffMedianHourlyPercent",
        "FemaleTopQuartile",
        "FemaleLowerQuartile",
        "this_council",
    ]
    table = table[columns].sort_values("DiffMedianHourlyPercent", ascending=False)
    table["EmployerSize"] = table["EmployerSize"].astype("string").map(size_label)
    return table.reset_index(drop=True), rule


def position(councils: pd.DataFrame, council_id: str, year: str) -> pd.DataFrame:
    """The council's figures in ``year`` against all councils and its similar councils.

    One row per figure of :data:`FIGURES`: the council's ``value``, the councils' ``n``,
    ``p25``, ``median`` and ``p75``, the council's ``percentile_rank`` among all councils
    (module docstring) and among similar councils (``peer_rank``, :func:`peers`), and the
    similar councils' median.
    """
    rows = current(councils)
    rows = rows.loc[rows["reporting_year"] == year]
    columns = FIGURES["column"].tolist()
    own = rows.loc[rows["council_id"] == council_id, columns]
    table = distribution(councils, year)
    value = own.iloc[0] if not own.empty else pd.Series(np.nan, index=columns)
    table["value"] = table["column"].map(value).astype("float64")
    table["percentile_rank"] = table["column"].map(_row_ranks(rows, own.index, columns))
    similar, _ = peers(councils, council_id, year)
    peer_rows = rows.loc[rows["council_name"].isin(similar["council_name"])]
    table["n_peers"] = len(peer_rows)
    table["peer_median"] = table["column"].map(peer_rows[columns].median())
    table["peer_rank"] = table["column"].map(_row_ranks(peer_rows, own.index, columns))
    return table[
        [
            "figure",
            "measure",
            "column",
            "value",
            "n",
            "p25",
            "median",
            "p75",
            "percentile_rank",
            "n_peers",
            "peer_median",
            "peer_rank",
        ]
    ].reset_index(drop=True)


# ----------------------------------------------------------------------------- over time


def _year_frame(councils: pd.DataFrame) -> pd.DataFrame:
    """Every reporting year from the first to the last, with whether it has complete data."""
    years = pd.DataFrame({"reporting_year": all_years(councils)})
    years["complete"] = years["reporting_year"].isin(complete_years(councils))
    return years


def trend(councils: pd.DataFrame, council_id: str | None = None) -> pd.DataFrame:
    """Mean and median hourly pay gap by year: the council's, and all councils' median and
    quartiles. Years without complete data are rows of missing values (``status`` says why)."""
    rows = current(councils)
    years = _year_frame(councils)
    stats = rows.groupby("reporting_year")["DiffMedianHourlyPercent"].describe()
    table = years.merge(
        stats[["count", "25%", "50%", "75%"]].rename(
            columns={"count": "n_councils", "25%": "all_p25", "50%": "all_median", "75%": "all_p75"}
        ),
        left_on="reporting_year",
        right_index=True,
        how="left",
    )
    table["all_mean_gap_median"] = table["reporting_year"].map(
        rows.groupby("reporting_year")["DiffMeanHourlyPercent"].median()
    )
    table["status"] = np.where(table["complete"], "reported", "no complete data")
    if council_id is not None:
        own = rows.loc[rows["council_id"] == council_id].set_index("reporting_year")
        table["mean_gap"] = table["reporting_year"].map(own["DiffMeanHourlyPercent"])
        table["median_gap"] = table["reporting_year"].map(own["DiffMedianHourlyPercent"])
        table["percentile_rank"] = table["reporting_year"].map(_own_ranks(rows, council_id))
        table["status"] = np.where(
            ~table["complete"],
            "no complete data",
            np.where(table["median_gap"].notna(), "reported", "not reported"),
        )
    table["n_councils"] = table["n_councils"].fillna(0).astype("int64")
    return table.drop(columns="complete")


def _own_ranks(rows: pd.DataFrame, council_id: str) -> pd.Series:
    """The council's percentile rank of the median gap in each year, indexed by year."""
    ranks = rows.groupby("reporting_year")["DiffMedianHourlyPercent"].rank(method="average")
    counts = rows.groupby("reporting_year")["DiffMedianHourlyPercent"].transform("count")
    pct = (ranks - 0.5) / counts * 100.0
    mine = rows["council_id"] == council_id
    return pd.Series(pct[mine].to_numpy(), index=rows.loc[mine, "reporting_year"].to_numpy())


def quartiles_over_time(councils: pd.DataFrame, council_id: str | None = None) -> pd.DataFrame:
    """Women's share (%) of each pay quarter by year, long form: the council's (or, without a
    council, the median across councils). Years without complete data are missing values."""
    rows = current(councils)
    if council_id is not None:
        rows = rows.loc[rows["council_id"] == council_id]
    wide = rows.groupby("reporting_year")[list(QUARTERS)].median()
    wide = wide.reindex(all_years(councils))
    long = wide.rename(columns=QUARTERS).rename_axis("reporting_year").reset_index()
    long = long.melt("reporting_year", var_name="quarter", value_name="pct_women")
    long["quarter"] = pd.Categorical(long["quarter"], categories=list(QUARTERS.values()))
    return long.sort_values(["reporting_year", "quarter"]).reset_index(drop=True)


def late_submissions(councils: pd.DataFrame, council_id: str | None = None) -> pd.DataFrame:
    """Per year: councils reporting, how many the service flagged as late, the share, and the
    median days after the deadline of the late ones; with a council, its own flag and days."""
    rows = councils.loc[~councils["superseded"]].copy()
    rows["days_late"] = (rows["DateSubmitted"] - rows["DueDate"]).dt.days.clip(lower=0)
    late = rows["SubmittedAfterTheDeadline"].fillna(False).astype(bool)
    table = rows.groupby("reporting_year").agg(n_councils=("council_id", "size"))
    table["n_late"] = late.groupby(rows["reporting_year"]).sum()
    table["pct_late"] = 100.0 * table["n_late"] / table["n_councils"]
    table["median_days_late"] = rows.loc[late].groupby("reporting_year")["days_late"].median()
    table = table.reindex(all_years(councils))
    partial = set(councils.loc[councils["partial_year"], "reporting_year"])
    table.loc[table.index.isin(partial), ["n_late", "pct_late", "median_days_late"]] = np.nan
    if council_id is not None:
        own = rows.loc[rows["council_id"] == council_id].set_index("reporting_year")
        table["council_late"] = own["SubmittedAfterTheDeadline"].reindex(table.index)
        table["council_days_late"] = own["days_late"].reindex(table.index)
        table["council_submitted"] = (
            own["DateSubmitted"].dt.strftime("%d %b %Y").reindex(table.index)
        )
    table["note"] = ""
    table.loc[table.index.isin(partial), "note"] = "partial download: treated as missing"
    table.loc[table.index == "2019-20", "note"] = "enforcement suspended (COVID): none flagged"
    table.loc[table.index == "2020-21", "note"] = "deadline extended to 5 October 2021"
    table["n_councils"] = table["n_councils"].astype("Int64")
    table["n_late"] = table["n_late"].astype("Int64")
    return table.rename_axis("reporting_year").reset_index()


# ----------------------------------------------------------------------------- comparisons


def summary_by(councils: pd.DataFrame, year: str, by: str) -> pd.DataFrame:
    """Median (and quartiles) of the hourly gaps and women's top-quarter share by ``by`` (e.g.
    ``council_type``, ``nation``, ``EmployerSize``) in ``year``."""
    rows = current(councils)
    rows = rows.loc[rows["reporting_year"] == year]
    groups = rows.groupby(by, observed=True)
    table = groups.agg(
        n_councils=("council_id", "size"),
        median_gap=("DiffMedianHourlyPercent", "median"),
        median_gap_p25=("DiffMedianHourlyPercent", lambda s: s.quantile(0.25)),
        median_gap_p75=("DiffMedianHourlyPercent", lambda s: s.quantile(0.75)),
        mean_gap=("DiffMeanHourlyPercent", "median"),
        pct_women_top=("FemaleTopQuartile", "median"),
        pct_women_lower=("FemaleLowerQuartile", "median"),
    )
    if isinstance(rows[by].dtype, pd.CategoricalDtype):  # council types, size bands: their order
        table = table.reindex([o for o in rows[by].cat.categories if o in table.index])
    return table.rename_axis(by).reset_index()


def sector_summary(panel: pd.DataFrame, year: str, by: str = "sector") -> pd.DataFrame:
    """Hourly gaps and women's top-quarter share by sector in ``year`` (latest submissions).

    ``panel`` must carry the columns of :func:`research.gpg.sectors.classify`.
    """
    require_columns(panel, [by, "superseded"], role="panel with sectors")
    rows = panel.loc[~panel["superseded"] & (panel["reporting_year"] == year)]
    groups = rows.groupby(by, observed=True)
    table = groups.agg(
        n_employers=("EmployerName", "size"),
        median_gap=("DiffMedianHourlyPercent", "median"),
        median_gap_p25=("DiffMedianHourlyPercent", lambda s: s.quantile(0.25)),
        median_gap_p75=("DiffMedianHourlyPercent", lambda s: s.quantile(0.75)),
        mean_gap=("DiffMeanHourlyPercent", "median"),
        pct_women_top=("FemaleTopQuartile", "median"),
        pct_paying_bonus=("MaleBonusPercent", lambda s: 100.0 * s.gt(0).mean()),
    )
    table["pct_paying_bonus"] = 100.0 * (
        rows[["MaleBonusPercent", "FemaleBonusPercent"]]
        .gt(0)
        .any(axis=1)
        .groupby(rows[by], observed=True)
        .mean()
    )
    return table.rename_axis(by).reset_index()


def sector_trend(panel: pd.DataFrame, by: str = "sector") -> pd.DataFrame:
    """Median of the median hourly pay gap by sector and year, long form; partial years empty."""
    require_columns(panel, [by, "superseded", "partial_year"], role="panel with sectors")
    rows = panel.loc[~panel["superseded"] & ~panel["partial_year"]]
    wide = rows.groupby(["reporting_year", by], observed=True)["DiffMedianHourlyPercent"].median()
    wide = wide.unstack(by).reindex(all_years(panel))
    long = (
        wide.rename_axis("reporting_year")
        .reset_index()
        .melt("reporting_year", var_name=by, value_name="median_gap")
    )
    return long


def extremes(councils: pd.DataFrame, year: str, n: int = 10) -> pd.DataFrame:
    """The ``n`` councils with the largest and the ``n`` with the smallest (most negative)
    median hourly pay gap in ``year`` (published, employer-level figures); ``group`` is
    ``"largest"`` or ``"smallest"``."""
    rows = current(councils)
    rows = rows.loc[rows["reporting_year"] == year]
    ordered = rows.sort_values(["DiffMedianHourlyPercent", "council_name"], ascending=[False, True])
    columns = [
        "council_name",
        "council_type",
        "EmployerSize",
        "DiffMedianHourlyPercent",
        "DiffMeanHourlyPercent",
        "FemaleTopQuartile",
    ]
    top = ordered.head(n)[columns].assign(group="largest")
    bottom = ordered.dropna(subset=["DiffMedianHourlyPercent"]).tail(n)[columns]
    bottom = bottom.iloc[::-1].assign(group="smallest")
    table = pd.concat([top, bottom], ignore_index=True)[["group", *columns]]
    table["EmployerSize"] = table["EmployerSize"].astype("string").map(size_label)
    table["council_type"] = table["council_type"].astype("string")
    return table


# ----------------------------------------------------------------------------- one council


@dataclass(frozen=True, eq=False)
class CouncilBenchmark(Result):
    """One council in one year against all councils (see :func:`benchmark`).

    Attributes
    ----------
    council_id, council_name, year
        Who and when; ``council_id`` is ``id:<EmployerId>`` (or ``name:<key>`` for councils
        abolished before the service had ids).
    record
        The council's submission for the year (a Series), or None when it did not report.
    position
        :func:`position` (the table :meth:`to_frame` returns).
    peers, peer_rule
        :func:`peers` and the rule that chose them.
    trend, quartiles, late
        :func:`trend`, :func:`quartiles_over_time` and :func:`late_submissions` for the council.
    history
        Every submission of the council (all years), and ``reorganisation``: a sentence on
        predecessors or successor, or "".
    """

    council_id: str
    council_name: str
    year: str
    record: pd.Series | None
    position: pd.DataFrame
    peers: pd.DataFrame
    peer_rule: str
    trend: pd.DataFrame
    quartiles: pd.DataFrame
    late: pd.DataFrame
    history: pd.DataFrame
    reorganisation: str = ""
    details: dict = field(default_factory=dict)

    @property
    def title(self) -> str:  # type: ignore[override]
        return f"{self.council_name}, {self.year}"

    def to_frame(self) -> pd.DataFrame:
        return self.position


def _reorganisation_sentence(history: pd.DataFrame) -> str:
    last = history.iloc[-1]
    parts = []
    if pd.notna(last.get("predecessors")):
        parts.append(
            f"{last['council_name']} was created on {long_date(last['created'])} from "
            f"{last['predecessors'].replace('; ', ', ')}; figures before then belong to those "
            "councils and are not shown as its own."
        )
    if pd.notna(last.get("successor")):
        parts.append(
            f"{last['council_name']} was replaced by {last['successor']} on "
            f"{long_date(last['abolished'])}."
        )
    return " ".join(parts)


def benchmark(
    councils: pd.DataFrame, employer: str, year: str | int = "latest"
) -> CouncilBenchmark:
    """Everything the council benchmark shows for ``employer`` in ``year``.

    ``year="latest"`` means the latest complete year in which this council reported (for a
    council abolished in a reorganisation, its last year).

    Raises
    ------
    EmployerNotFound, AmbiguousEmployer
        From :func:`match_council`.
    research.core.checks.InputError
        When ``year`` has no complete data (:func:`resolve_year`) or the council did not report
        for it (the message lists the years it did).
    """
    council_id = match_council(councils, employer)
    history = councils.loc[councils["council_id"] == council_id].sort_values("year_start")
    rows = current(councils)
    reported = rows.loc[rows["council_id"] == council_id, "reporting_year"].unique().tolist()
    if not reported:
        raise InputError(
            f"{history['council_name'].iloc[-1]} has no submission in a year with complete data."
        )
    if str(year).strip().lower() in ("", "latest"):
        label = max(reported)  # the latest year this council reported
    else:
        label = resolve_year(councils, year)
        if label not in reported:
            raise InputError(
                f"{history['council_name'].iloc[-1]} did not report for {label}; it reported for "
                f"{', '.join(sorted(reported))}. {_reorganisation_sentence(history)}".strip()
            )
    own = rows.loc[(rows["council_id"] == council_id) & (rows["reporting_year"] == label)]
    similar, rule = peers(councils, council_id, label)
    return CouncilBenchmark(
        council_id=council_id,
        council_name=str(history["council_name"].iloc[-1]),
        year=label,
        record=own.iloc[0] if not own.empty else None,
        position=position(councils, council_id, label),
        peers=similar,
        peer_rule=rule,
        trend=trend(councils, council_id),
        quartiles=quartiles_over_time(councils, council_id),
        late=late_submissions(councils, council_id),
        history=history,
        reorganisation=_reorganisation_sentence(history),
    )
