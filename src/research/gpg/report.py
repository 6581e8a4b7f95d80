"""The council benchmark report: one council among all councils, or all councils.

``build(panel, employer="Leeds City Council")`` benchmarks one council; ``build(panel)`` (no
employer) gives the same picture for all councils. ``panel`` is the harmonised GOV.UK panel that
the data layer loads (:func:`research.data.gpg.load`); ``build`` applies the council rule and the
sectors itself and never reads a file. Table and figure names are the CSV and PNG file names of a
run (``tables/position.csv``...).

The figures are the employers' own published, employer-level aggregates (open data under the Open
Government Licence), so no disclosure control is applied: the workbench's small-cell rules are for
HR extracts of individual employees.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from research.core.checks import require_columns
from research.gpg import benchmark as bm
from research.gpg import datachecks, tables
from research.gpg import figures as charts
from research.gpg import findings as words
from research.gpg.sectors import with_sectors
from research.gpg.selection import compare_with_extract, councils, type_words
from research.present.plots import set_style
from research.present.report import Note, Report, Section, Table, TitleBlock, findings

__all__ = ["ATTRIBUTION", "CouncilBenchmarkReport", "build"]

#: The attribution line the Open Government Licence v3.0 asks for.
ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."

TOPIC = "Council gender pay gap benchmark"


@dataclass(frozen=True, eq=False)
class CouncilBenchmarkReport(Report):
    """The council benchmark report (see the module docstring).

    ``data_files`` are tables published only as CSV files beside the report (too long to print),
    such as every failing published value of every employer. ``results`` holds the
    :class:`research.gpg.benchmark.CouncilBenchmark` (``"benchmark"``, one council only), the
    ``"councils"`` and the ``"panel"`` with sectors, for exploring in JupyterLab.
    """

    data_files: tuple[Table, ...] = ()


def _title(panel, council_rows, rows, year, bench) -> TitleBlock:
    years = bm.complete_years(council_rows)
    every = council_rows["reporting_year"].dropna().unique().tolist()
    missing = sorted(set(every) - set(years))
    gap = f" ({', '.join(missing)}: partial download only, shown as missing)" if missing else ""
    dataset = (
        f"GOV.UK gender pay gap service downloads, {years[0]} to {years[-1]}{gap}; "
        f"{len(panel):,} employer submissions, {len(council_rows):,} of them by councils"
    )
    details: list[tuple[str, str]] = []
    if bench is not None:
        last = bench.history.iloc[-1]
        organisation = bench.council_name
        details.append(
            (
                "Council",
                f"{type_words(last['council_type'])}, {last['nation']}; "
                f"{bm.size_label(last['EmployerSize'])} employees",
            )
        )
    else:
        organisation = f"Councils (all {len(rows):,} councils that reported for {year})"
    details.append(("Licence", ATTRIBUTION))
    return TitleBlock(
        topic=TOPIC,
        organisation=organisation,
        period=f"{year} (public-sector snapshot date {words.snapshot_date(year)})",
        dataset=dataset,
        details=tuple(details),
    )


def _checks(with_sector, council_rows, bench) -> tuple[Section, Table]:
    summary = datachecks.summarise_checks(with_sector).merge(
        datachecks.summarise_checks(council_rows)[["check", "n_checked", "n_failing"]],
        on="check",
        suffixes=("_all", "_councils"),
    )
    failing = datachecks.failing_rows(council_rows, name_column="council_name")
    every = datachecks.failing_rows(with_sector)
    notes = [
        f"{len(every):,} published values of all employers fail a check; the full list is saved "
        "with this report as tables/published_figure_failures_all_employers.csv."
    ]
    if bench is not None:
        own = failing[failing["employer"] == bench.council_name]
        notes.append(
            f"None of {bench.council_name}'s published figures fails a check."
            if own.empty
            else f"{len(own)} of {bench.council_name}'s published figures fail a check."
        )
    items = (
        tables.published_figure_checks(summary),
        tables.failures(
            failing,
            "published_figure_failures_councils",
            "Council figures that fail a check (all years)",
            "council",
            notes,
        ),
    )
    file = tables.failures(
        every,
        "published_figure_failures_all_employers",
        "Every published value of any employer that fails a check (all years)",
        "employer",
    )
    section = Section("checks", "Which published figures fail a check?", items)
    return section, file


def _rule_check(council_rows, extract) -> Section:
    title = "Does the council rule rebuild the project's check extract?"
    if extract is None:
        note = Note(
            "council_rule_check",
            "No check extract (gpg_local_authorities.csv.gz) was given, so the council rule was "
            "not compared with it.",
        )
        return Section("rule_check", title, (note,))
    counts, cells = compare_with_extract(council_rows, extract)
    table = tables.council_rule_check(counts, words.rebuild_sentence(counts, cells))
    return Section("rule_check", title, (table,))


def build(
    panel: pd.DataFrame,
    *,
    sources: pd.DataFrame | None = None,
    extract: pd.DataFrame | None = None,
    employer: str = "",
    year: str = "latest",
) -> CouncilBenchmarkReport:
    """The council benchmark report for ``employer`` in ``year`` (all councils if no employer).

    Parameters
    ----------
    panel
        Every GOV.UK submission, harmonised (:func:`research.data.gpg.load_panel`).
    sources
        One row per file read (:func:`research.data.gpg.panel_sources`); shown as a table.
    extract
        The project's check extract of council rows, as text; the council rule is compared with
        it (a note says so when it is absent).
    employer
        A council's name: case and punctuation do not matter, a unique part such as ``"Leeds"``
        works. Empty for all councils.
    year
        ``"latest"`` (for a council, the latest year it reported) or a reporting year such as
        ``"2024-25"``.

    Raises
    ------
    research.gpg.benchmark.EmployerNotFound
        No council matches ``employer`` (the message suggests the closest names).
    research.gpg.benchmark.AmbiguousEmployer
        ``employer`` matches several councils (the message lists them).
    research.core.checks.InputError
        ``year`` has no complete data, or the council did not report for it.
    """
    require_columns(panel, ["EmployerName", "reporting_year", "superseded"], role="GOV.UK panel")
    set_style()
    council_rows = councils(panel)
    with_sector = with_sectors(panel)
    bench = bm.benchmark(council_rows, employer, year) if str(employer).strip() else None
    year = bench.year if bench is not None else bm.resolve_year(council_rows, year)
    council = bench.council_name if bench is not None else None
    mine = bench.record if bench is not None else None
    current = bm.current(council_rows)
    rows = current.loc[current["reporting_year"] == year]
    span = (bm.all_years(council_rows)[0], bm.all_years(council_rows)[-1])

    # pay gaps across councils
    types = bm.summary_by(council_rows, year, "council_type")
    if bench is not None:
        first = tables.position(bench, len(rows))
        gaps = (first, charts.position(rows, mine, council, year, "position"))
        question = f"Where does {council} stand among the {len(rows):,} councils that reported?"
        similar = (tables.similar_councils(bench),)
        kinds = f"How does {council} compare with similar councils and council types?"
    else:
        extremes = bm.extremes(council_rows, year, n=10)
        gaps = (
            tables.distribution(bm.distribution(council_rows, year), year),
            charts.position(rows, None, None, year, "distribution"),
            tables.extremes(extremes, year, "largest"),
            tables.extremes(extremes, year, "smallest"),
        )
        question = f"How large were the pay gaps of the {len(rows):,} councils that reported?"
        similar = ()
        kinds = "Which kinds of council had larger gaps?"
    similar += (
        tables.by_council_type(types, year),
        charts.by_council_type(rows, types, mine, council, year),
        tables.by_nation_and_size(
            bm.summary_by(council_rows, year, "nation"),
            bm.summary_by(council_rows, year, "EmployerSize"),
            year,
        ),
    )

    # over time
    trend = bench.trend if bench is not None else bm.trend(council_rows)
    quarters = bench.quartiles if bench is not None else bm.quartiles_over_time(council_rows)
    who = council or "The median council"
    late = bench.late if bench is not None else bm.late_submissions(council_rows)

    # sectors
    sectors = bm.sector_summary(with_sector, year)
    latest = with_sector.loc[(with_sector["reporting_year"] == year) & ~with_sector["superseded"]]
    sector_trend = bm.sector_trend(with_sector)

    checks, failures_file = _checks(with_sector, council_rows, bench)
    sections = [
        Section("gaps", question, gaps),
        Section("similar", kinds, similar),
        Section(
            "trend",
            f"How has {council}'s pay gap moved since {span[0]}?"
            if council
            else f"How have councils' pay gaps moved since {span[0]}?",
            (
                charts.trend(trend, council, span),
                tables.trend(trend, council, bench.reorganisation if bench is not None else ""),
            ),
        ),
        Section(
            "quarters",
            f"Where in the pay structure do women work at {council}, and has it changed?"
            if council
            else "Where in the pay structure do women work in councils, and has it changed?",
            (charts.quarters(quarters, who, span), tables.women_by_pay_quarter(quarters, who)),
        ),
        Section(
            "sectors",
            "Are councils' pay gaps larger or smaller than other employers'?",
            (
                tables.by_sector(sectors, year),
                charts.sectors(latest, sectors, mine, council, year),
                charts.sectors_by_year(sector_trend, span),
                tables.median_gap_by_sector_and_year(sector_trend),
            ),
        ),
        Section(
            "late",
            f"Did {council} report on time?" if council else "How many councils reported late?",
            (charts.late_submissions(late, council), tables.late_submissions(late, council)),
        ),
        checks,
        _rule_check(council_rows, extract),
    ]
    listed = sources is not None and not sources.empty
    files = (
        tables.data_sources(sources)
        if listed
        else Note("data_sources", "No list of the files read was given to this report.")
    )
    sections.append(Section("sources", "Which files were read?", (files,)))
    found = (
        words.council_findings(bench)
        if bench is not None
        else words.overview_findings(rows, year, trend, types, sectors, late)
    )
    results = {"councils": council_rows, "panel": with_sector}
    if bench is not None:
        results["benchmark"] = bench
    return CouncilBenchmarkReport(
        title=_title(panel, council_rows, rows, year, bench),
        findings=findings(found),
        sections=tuple(sections),
        results=results,
        data_files=(failures_file,),
    )
