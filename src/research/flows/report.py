"""The workforce flows report (notebook 70): recruitment, retention, progression, projection.

``build(data, moves=..., ...) -> FlowsReport``. With linked snapshots (``moves`` from
:func:`research.data.longitudinal.link`) it measures starters, leavers, turnover, stability,
promotion and the half-life of starter cohorts by sex, grade and year
(:mod:`research.flows.measures`), compares women with men (relative likelihood, four-fifths rule)
and projects women's share of the grades with the Markov manpower-planning model
(:mod:`research.flows.markov`), with the years until the top grades reach a target. With one
snapshot it shows what one snapshot can (hire cohorts and years of service from start dates) and
says what is missing and how to supply it. It never loads files.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import pandas as pd

from research.core.checks import InputError, require_columns
from research.core.source import Source
from research.data.schema import ethnic_group_label
from research.flows import published
from research.flows import tables as t
from research.flows.markov import HORIZON, SCENARIOS, Projection, project
from research.flows.measures import check_moves, flow_rates, half_life, relative_likelihood
from research.present import disclosure, tabulate
from research.present.disclosure import SUPPRESSED
from research.present.formats import fmt_pct
from research.present.report import Finding, Note, Report, Section, Table, findings
from research.present.wording import count_words, long_date, title_block

__all__ = ["FlowsReport", "build", "parse_target"]

TOPIC = "Recruitment, retention and progression of women and men"


class FlowsReport(Report):
    """Workforce flows by sex and grade, and the projection of women's share of the top grades.

    ``results`` holds ``"flows"`` (the flow rates by sex, by grade and by year), ``"half_life"``,
    ``"relative_likelihood"`` and ``"projection"`` (:class:`~research.flows.markov.Projection`)
    with linked snapshots; ``"disclosure_audit"`` always.
    """


def parse_target(target: str | float | None) -> float | None:
    """``"workforce"`` (or empty) -> ``None`` (women's share of the workforce); a share
    (``0.5``) or a percentage (``50``) -> a proportion."""
    if target is None or (isinstance(target, str) and target.strip().lower() in ("", "workforce")):
        return None
    try:
        value = float(target)
    except (TypeError, ValueError):
        raise InputError(
            f"target must be 'workforce' or a share such as 0.5 (or 50 for 50%), got {target!r}."
        ) from None
    value = value / 100 if value > 1 else value
    if not 0 < value < 1:
        raise InputError(f"target must be a share between 0 and 1 (or 0 and 100%), got {target!r}.")
    return value


def _value(frame: pd.DataFrame, row: int, column: str) -> float | None:
    value = frame.iloc[row][column]
    if isinstance(value, str) and value == SUPPRESSED:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _interval(frame: pd.DataFrame, row: int, rate: str) -> tuple[float, float] | None:
    low, high = _value(frame, row, f"{rate}_low"), _value(frame, row, f"{rate}_high")
    return (low, high) if low is not None and high is not None else None


def _broad_groups(moves: pd.DataFrame, column: str) -> pd.DataFrame:
    """``moves`` with ethnicity as its GSS broad group (19 categories would hide most rows as
    small); a value outside the classification is kept as it is. Other columns unchanged."""
    if column != "ethnicity":
        return moves
    return moves.assign(**{column: ethnic_group_label(moves[column])})


def build(
    data: pd.DataFrame,
    *,
    moves: pd.DataFrame | None = None,
    linkage: pd.DataFrame | None = None,
    source: Source | None = None,
    years: int = 10,
    target: str | float | None = "workforce",
    top_grades: int = 3,
    scenarios: Sequence[str] = SCENARIOS,
    n_boot: int = 200,
    ci_level: float = 0.95,
    seed: int = 2025,
    min_cell: int = disclosure.DEFAULT_MIN_CELL,
) -> FlowsReport:
    """Measure the flows and project the grades, and build the report.

    Parameters
    ----------
    data
        Canonical workforce rows: the snapshots (one or several snapshot dates).
    moves
        The moves between consecutive snapshots (:func:`research.data.longitudinal.link`);
        ``None`` with one snapshot.
    linkage
        What could not be linked (``Linkage.counts``: problem, n, effect).
    years
        Years projected ahead.
    target
        Women's share of the top grades to reach: ``"workforce"`` (their share of the whole
        workforce at the last snapshot) or a share (0.5, or 50).
    top_grades
        How many of the highest grade ranks are "the top grades".
    scenarios
        Projection scenarios (:data:`research.flows.markov.SCENARIOS`).
    n_boot, ci_level, seed
        Bootstrap of the projection (resampling employees).
    min_cell
        Smallest number of people behind any published count or rate.
    """
    min_cell = disclosure.check_min_cell(min_cell)
    require_columns(data, ["sex", "snapshot_date"])
    source = source or Source("data given directly")
    chart_source = f"{source.label}; research workbench workforce flows"
    target_value = parse_target(target)
    dates = pd.to_datetime(data["snapshot_date"]).dropna().unique()
    if moves is None or len(dates) < 2:
        return _one_snapshot(data, source, chart_source, min_cell, linkage)
    check_moves(moves)
    disclosure.check_population(data, min_cell)
    return _linked(
        data,
        moves,
        linkage,
        source,
        chart_source,
        years=years,
        target=target_value,
        top_grades=top_grades,
        scenarios=scenarios,
        n_boot=n_boot,
        ci_level=ci_level,
        seed=seed,
        min_cell=min_cell,
    )


# --------------------------------------------------------------------------- linked snapshots


def _linked(
    data,
    moves,
    linkage,
    source,
    chart_source,
    *,
    years,
    target,
    top_grades,
    scenarios,
    n_boot,
    ci_level,
    seed,
    min_cell,
):
    first, last = pd.Timestamp(moves["period_start"].min()), pd.Timestamp(moves["period_end"].max())
    period = f"{long_date(first)} to {long_date(last)}"
    n_periods = int(moves["period_end"].nunique())
    reasons = bool(
        moves["reason"]
        .astype("string")
        .isin(["voluntary", "dismissal", "retirement", "end_of_contract", "redundancy"])
        .any()
    )
    ranked = moves["grade_rank_from"].notna().any() or moves["grade_rank_to"].notna().any()
    by_sex = flow_rates(moves, ["sex"], ci_level=ci_level)
    by_sex = by_sex[by_sex["sex"].astype("string").isin(["F", "M"])].reset_index(drop=True)
    by_year = flow_rates(moves, ["period", "sex"], ci_level=ci_level)
    by_year = by_year[by_year["sex"].astype("string").isin(["F", "M"])].reset_index(drop=True)
    lives = half_life(moves)
    life = lives.values[lives.values["sex"].isin(["F", "M"])].reset_index(drop=True)
    overall_rl = relative_likelihood(by_sex, ci_level=ci_level)
    overall_rl.insert(1, "band", "All grades")
    results = {"flows": {"by_sex": by_sex, "by_year": by_year}, "half_life": lives}
    sections_flows = [
        t.flows_by_sex_table(by_sex, period, reasons),
        t.flows_by_year_table(by_year),
    ]
    group_items: list = []
    for column in ("ethnicity", "disability"):
        if column in moves and moves[column].notna().any():
            by_group = flow_rates(_broad_groups(moves, column), [column], ci_level=ci_level)
            results["flows"][f"by_{column}"] = by_group
            group_items.append(t.flows_by_group_table(by_group, column))
    if not group_items:
        group_items = [
            Note(
                "flows_by_group",
                "The snapshots record neither ethnicity nor disability, so flows are not shown "
                "by either.",
            )
        ]
    bands_order: list[str] = []
    grade_items: list = []
    projection_items: list = []
    projection: Projection | None = None
    rl = overall_rl
    if ranked:
        bands = t.grade_bands(moves)
        banded = t.with_bands(moves, bands)
        if banded[["band_from", "band_to"]].eq(t.NO_GRADE).any().any():
            bands = pd.concat(
                [
                    bands,
                    pd.DataFrame(
                        {"grade_rank": [pd.NA], "band": [t.NO_GRADE], "order": [len(bands)]}
                    ),
                ],
                ignore_index=True,
            )
        bands_order = list(dict.fromkeys(bands.sort_values("order")["band"]))
        by_grade = flow_rates(
            banded.assign(grade_from=banded["band_from"], grade_to=banded["band_to"]),
            ["grade", "sex"],
            ci_level=ci_level,
        ).rename(columns={"grade": "band"})
        by_grade = by_grade[
            by_grade["sex"].astype("string").isin(["F", "M"]) & by_grade["band"].notna()
        ]
        order = dict(zip(bands["band"], bands["order"], strict=False))
        by_grade = (
            by_grade.assign(order=by_grade["band"].map(order))
            .sort_values(["order", "sex"])
            .reset_index(drop=True)
        )
        results["flows"]["by_grade"] = by_grade
        grade_rl = relative_likelihood(
            by_grade,
            (("promotion", "promoted", "headcount_start"),),
            by=["band"],
            ci_level=ci_level,
        )
        if len(grade_rl):
            grade_rl = (
                grade_rl.assign(o=grade_rl["band"].map(order)).sort_values("o").drop(columns="o")
            )
        rl = pd.concat([overall_rl, grade_rl], ignore_index=True)
        last_rows = banded.loc[
            (banded["period_end"] == last)
            & banded["band_to"].notna()
            & banded["sex"].astype("string").isin(["F", "M"]).fillna(False),
            ["band_to", "sex"],
        ]
        now = (
            last_rows.groupby("band_to", observed=True)["sex"]
            .agg(n_now="size", women=lambda s: int((s.astype("string") == "F").sum()))
            .reset_index()
            .rename(columns={"band_to": "band"})
        )
        del banded, last_rows  # the projection below needs memory more
        now["pct_now"] = 100 * now["women"] / now["n_now"]
        now = now.assign(order=now["band"].map(order))[["order", "band", "n_now", "pct_now"]]
        grade_items = [
            t.flows_by_grade_table(by_grade),
            t.pipeline_table(by_grade, now),
        ]
        n_ranks = int(bands["grade_rank"].nunique())
        if n_ranks < 2:
            projection_items = [
                Note(
                    "projection",
                    "The data record a single grade rank, so movement between grades cannot be modelled.",
                )
            ]
        else:
            top = min(int(top_grades), n_ranks - 1)
            projection = project(
                moves,
                years=years,
                target=target,
                top_grades=top,
                scenarios=scenarios,
                n_boot=n_boot,
                ci_level=ci_level,
                seed=seed,
            )
            results["projection"] = projection
            target_words = (
                "women's share of the whole workforce" if target is None else "the target set"
            )
            projection_items = [
                t.projection_table(projection),
                t.projection_figure(projection, chart_source, target_words),
                t.parity_table(projection, target_words, HORIZON),
            ]
    else:
        grade_items = [
            Note(
                "flows_by_grade",
                "The snapshots record no grade ranks, so flows by grade, promotions and the projection cannot be shown: map grade and grade_rank.",
            )
        ]
        projection_items = [
            Note(
                "projection", "Without grade ranks the grade-transition model cannot be estimated."
            )
        ]
    results["relative_likelihood"] = rl
    last_snapshot = data[pd.to_datetime(data["snapshot_date"]) == last]
    service, _ = _service_items(last_snapshot)
    sections = [
        Section("recruitment", SECTION_TITLES["recruitment"], tuple(sections_flows)),
        Section("retention", SECTION_TITLES["retention"], (t.half_life_table(life),)),
        Section("groups", SECTION_TITLES["groups"], tuple(group_items)),
        Section("progression", SECTION_TITLES["progression"], tuple(grade_items)),
        Section("projection", SECTION_TITLES["projection"], tuple(projection_items)),
        Section("service", SECTION_TITLES["service"], tuple(service)),
    ]
    periods = [str(p) for p in sorted(by_year["period"].unique())]
    sections, protected = published.protect(
        sections,
        last_snapshot,
        bands=bands_order,
        periods=periods,
        min_cell=min_cell,
        source=source,
    )
    tables_now = {i.name: i for s in sections for i in s.items if hasattr(i, "data")}
    if "pipeline_by_grade" in tables_now:
        pipeline = _hide_pipeline_flows(
            tables_now["pipeline_by_grade"], tables_now["flows_by_grade"].data
        )
        tables_now["pipeline_by_grade"] = pipeline
        sections = [
            Section(
                s.key,
                s.title,
                tuple(pipeline if getattr(i, "name", "") == pipeline.name else i for i in s.items),
            )
            for s in sections
        ]
        if projection is not None:
            by_grade = t.projection_grades_table(projection, bands, pipeline.data)
            tables_now[by_grade.name] = by_grade
            sections = [
                s if s.key != "projection" else Section(s.key, s.title, (*s.items, by_grade))
                for s in sections
            ]
    rl_table = t.likelihood_table(_hide_likelihood(rl, tables_now))
    figure_items = []
    if "pipeline_by_grade" in tables_now:
        figure_items = [t.pipeline_figure(tables_now["pipeline_by_grade"].data, chart_source)]
    sections = [
        s
        if s.key != "progression"
        else Section(s.key, s.title, (*s.items[:1], rl_table, *s.items[1:], *figure_items))
        for s in sections
    ]
    sections = _with_cohort_figure(sections, chart_source)
    sections.append(
        Section("linkage", SECTION_TITLES["linkage"], (_linkage_note(linkage, min_cell),))
    )
    sections.append(
        Section(
            "disclosure",
            SECTION_TITLES["disclosure"],
            (Note("disclosure_audit", protected.note()),),
        )
    )
    results["disclosure_audit"] = protected.audit
    items = _findings(
        tables_now, rl_table.data, projection, reasons, n_periods, period, min_cell, target
    ) + _other_sex_findings(data, min_cell)
    return FlowsReport(
        title=title_block(
            data, TOPIC, source, details=(("Snapshots linked", f"{n_periods + 1} ({period})"),)
        ),
        findings=findings(items),
        sections=tuple(sections),
        results=results,
    )


def _hide_pipeline_flows(pipeline: Table, by_grade: pd.DataFrame) -> Table:
    """The pipeline's flow columns hidden wherever the flows table hides women's or men's count.

    The pipeline's flows (women and men together, and women's share) are the flows table's cells
    by grade added up over sex: published only where both are, they give nothing away, so only
    its headcount at the last snapshot is declared to the audit.
    """
    data = pipeline.data.astype(object).copy()
    hidden = by_grade.astype(object).eq(SUPPRESSED).groupby(by_grade["band"], sort=False).any()
    for flow in ("starters", "promoted", "leavers"):
        mask = data["band"].map(hidden[flow]).fillna(True).astype(bool).to_numpy()
        data.loc[mask, [f"n_{flow}", f"pct_{flow}"]] = SUPPRESSED
    return dataclasses.replace(pipeline, data=data)


def _hide_likelihood(rl: pd.DataFrame, tables: dict) -> pd.DataFrame:
    """Relative likelihoods whose rates rest on a hidden count are hidden."""
    out = rl.drop(columns=["n_compare", "n_reference", "count_compare", "count_reference"]).astype(
        object
    )
    sources = {"All grades": ("flows_by_sex", None)}
    for i, row in rl.iterrows():
        name, band = sources.get(row["band"], ("flows_by_grade", row["band"]))
        if name not in tables:
            continue
        frame = tables[name].data
        if band is not None:
            frame = frame[frame["band"] == band]
        count = "promoted" if row["outcome"] == "promotion" else "leavers"
        cells = frame[[count, "headcount_start"]].astype(object)
        if (cells == SUPPRESSED).any().any() or len(frame) < 2:
            for column in (
                "rate_compare",
                "rate_reference",
                "ratio",
                "ratio_low",
                "ratio_high",
                "adverse_impact",
                "lower",
            ):
                out.at[i, column] = SUPPRESSED
    return out


def _linkage_note(linkage: pd.DataFrame | None, min_cell: int) -> Note:
    if linkage is None or len(linkage) == 0:
        return Note(
            "linkage",
            "Every employee id could be followed from one snapshot to the next: no blank ids, no ids held twice, no one who left and came back, and every event matched an employee.",
        )
    parts = [
        f"{count_words(int(row['n']), min_cell)} {row['problem']} ({row['effect']})"
        for _, row in linkage.iterrows()
    ]
    return Note("linkage", "Not everything could be linked: " + "; ".join(parts) + ".")


def _findings(
    tables, rl, projection, reasons, n_periods, period, min_cell, target
) -> list[Finding]:
    out: list[Finding] = []
    by_sex = tables["flows_by_sex"].data
    index = {label: i for i, label in enumerate(by_sex["sex"])}
    if "Women" in index and "Men" in index:
        w, m = index["Women"], index["Men"]
        for rate, words in (("turnover", "left"), ("voluntary_turnover", "left voluntarily")):
            if rate == "voluntary_turnover" and not reasons:
                out.append(
                    Finding(
                        "Reasons for leaving are not in the data (no events table was given), so voluntary turnover is not shown.",
                        key="voluntary_turnover",
                    )
                )
                continue
            vw, vm = _value(by_sex, w, rate), _value(by_sex, m, rate)
            if vw is None or vm is None:
                continue
            ci = _interval(by_sex, w, rate)
            band = f" (95% interval {fmt_pct(ci[0])} to {fmt_pct(ci[1])})" if ci else ""
            out.append(
                Finding(
                    f"Over the {n_periods} years from {period}, {fmt_pct(vw)} of women{band} and {fmt_pct(vm)} of men {words} each year on average ({rate.replace('_', ' ')}: leavers as a share of the average headcount).",
                    value=vw,
                    ci=ci,
                    key=rate,
                )
            )
        vw, vm = _value(by_sex, w, "stability"), _value(by_sex, m, "stability")
        if vw is not None and vm is not None:
            out.append(
                Finding(
                    f"Stability index: {fmt_pct(vw)} of women and {fmt_pct(vm)} of men employed at the start of a year were still employed a year later.",
                    value=vw,
                    ci=_interval(by_sex, w, "stability"),
                    key="stability",
                )
            )
    overall = rl[(rl["band"] == "All grades") & (rl["outcome"] == "Promotion")]
    if len(overall) and not (isinstance(overall.iloc[0]["ratio"], str)):
        row = overall.iloc[0]
        flag = (
            "below the four-fifths line (adverse impact)"
            if row["adverse_impact"]
            else "not below the four-fifths line"
        )
        ci = (
            None
            if pd.isna(row["ratio_low"])
            else (float(row["ratio_low"]), float(row["ratio_high"]))
        )
        band = f" (95% interval {ci[0]:.2f} to {ci[1]:.2f})" if ci else ""
        out.append(
            Finding(
                f"Women were promoted at {fmt_pct(row['rate_compare'])} a year and men at {fmt_pct(row['rate_reference'])}: women's relative likelihood of promotion is {row['ratio']:.2f}{band}, {flag}.",
                value=float(row["ratio"]),
                ci=ci,
                key="promotion_relative_likelihood",
            )
        )
        by_grade = rl[
            (rl["band"] != "All grades")
            & (rl["outcome"] == "Promotion")
            & ~rl["ratio"].astype(object).eq(SUPPRESSED)
            & pd.to_numeric(rl["ratio"], errors="coerce").notna()
        ]
        flagged = by_grade[by_grade["adverse_impact"].astype(object).eq(True)]
        if len(by_grade):
            out.append(
                Finding(
                    f"Within grades, women's promotion rate is below four-fifths of men's in {len(flagged)} of {len(by_grade)} grade groups with enough people to publish.",
                    value=float(len(flagged)),
                    key="promotion_four_fifths_grades",
                )
            )
    if "cohort_half_life" in tables:
        life = tables["cohort_half_life"].data
        for i, label in enumerate(life["sex"]):
            value = _value(life, i, "half_life")
            if value is None or label not in ("Women", "Men"):
                continue
            who = label.lower()
            if str(life.iloc[i]["extrapolated"]) == "True":
                text = (
                    f"More than half of the {who} who started were still employed at the last "
                    f"snapshot; at the yearly survival observed, half would have left after "
                    f"about {value:.1f} years (an extrapolation beyond the {n_periods} years "
                    "observed)."
                )
            else:
                text = f"Half of the {who} who started had left after {value:.1f} years."
            out.append(
                Finding(
                    text,
                    value=value,
                    key=f"half_life_{'women' if label == 'Women' else 'men'}",
                )
            )
    if projection is not None:
        out += _projection_findings(projection, target)
    return out


def _years_text(value: float, horizon: int = HORIZON) -> str:
    if not math.isfinite(value):
        return f"more than {horizon} years"
    return f"{int(value)} year{'s' if int(value) != 1 else ''}"


def _projection_findings(projection: Projection, target) -> list[Finding]:
    out = []
    current = projection.shares[projection.shares["scenario"] == "current"]
    top = ", ".join(map(str, projection.top))
    words = "their share of the whole workforce" if target is None else "the target"
    if len(current):
        first, last = current.iloc[0], current.iloc[-1]
        ci = None if pd.isna(last["low"]) else (float(last["low"]), float(last["high"]))
        band = f" (95% band {fmt_pct(ci[0])} to {fmt_pct(ci[1])})" if ci else ""
        out.append(
            Finding(
                f"At current rates, women's share of the top grades (grade ranks {top}) would go from {fmt_pct(first['share'])} in {int(first['calendar_year'])} to {fmt_pct(last['share'])} in {int(last['calendar_year'])}{band}.",
                value=float(last["share"]),
                ci=ci,
                key="projection_top_share",
            )
        )
    for _, row in projection.parity.iterrows():
        name = {
            "current": "At current rates",
            "equal_promotion": "If women were promoted at men's rates",
            "equal_recruitment": "If women and men were recruited into the grades alike",
            "both": "With both changes",
        }[row["scenario"]]
        years = row["years"]
        band = ""
        if not pd.isna(row["low"]):
            band = (
                f" (95% band: not within {HORIZON} years either)"
                if not math.isfinite(row["low"])
                else f" (95% band {_years_text(row['low'])} to {_years_text(row['high'])})"
            )
        if years == 0:
            text = f"{name}, women's share of the top grades is already at or above {words} ({fmt_pct(projection.target)})"
            text += (
                f", but it would fall to about {fmt_pct(row['long_run'])} in the long run."
                if row["long_run"] < projection.target
                else "."
            )
        elif math.isfinite(years):
            text = f"{name}, women's share of the top grades would reach {words} ({fmt_pct(projection.target)}) in {int(row['calendar_year'])}, {_years_text(years)} after the last snapshot{band}."
        else:
            text = f"{name}, women's share of the top grades would not reach {words} ({fmt_pct(projection.target)}) within {HORIZON} years{band}: it settles near {fmt_pct(row['long_run'])}."
        ci = None if pd.isna(row["low"]) else (float(row["low"]), float(row["high"]))
        out.append(
            Finding(
                text,
                value=float(years) if math.isfinite(years) else None,
                ci=ci if ci and all(map(math.isfinite, ci)) else None,
                key=f"years_to_target_{row['scenario']}",
            )
        )
    return out


# --------------------------------------------------------------------------- one snapshot


SECTION_TITLES = {
    "recruitment": "Who joins and who leaves, year by year?",
    "retention": "How long do starters stay?",
    "groups": "Do joining, leaving and promotion differ by ethnicity and disability?",
    "progression": "Who is promoted, and where are women in the pipeline?",
    "projection": "Where are the top grades heading, and when would women's share reach the target?",
    "service": "How long have women and men in each grade been employed?",
    "linkage": "What could not be linked?",
    "disclosure": "How are small numbers protected?",
}


def _service_items(data: pd.DataFrame) -> tuple[list, bool]:
    """Hire cohorts and years of service at the (last) snapshot, or notes saying why not."""
    snapshot = pd.Timestamp(pd.to_datetime(data["snapshot_date"]).max())
    has_start = "start_date" in data and pd.to_datetime(data["start_date"]).notna().any()
    if not has_start:
        return [
            Note(
                "cohorts_by_hire_year",
                "This dataset records no start dates, so cohorts by hire year and years of "
                "service cannot be shown: map start_date (the date each employee started with "
                "the employer).",
            )
        ], False
    items: list = [t.cohort_table(data, snapshot)[0]]
    if "grade" in data and data["grade"].notna().any():
        labels = tabulate.grade_groups(data, max_groups=t.MAX_GRADE_GROUPS)
        items.append(t.tenure_table(data, snapshot, labels))
    else:
        items.append(
            Note(
                "tenure_by_grade",
                "This dataset records no grades, so years of service are not shown by grade.",
            )
        )
    return items, True


def _with_cohort_figure(sections: list, chart_source: str) -> list:
    tables = {i.name: i for s in sections for i in s.items if isinstance(i, Table)}
    if "cohorts_by_hire_year" not in tables:
        return sections
    figure = t.cohort_figure(tables["cohorts_by_hire_year"].data, chart_source)
    return [
        s if s.key != "service" else Section(s.key, s.title, (s.items[0], figure, *s.items[1:]))
        for s in sections
    ]


def _other_sex_findings(data: pd.DataFrame, min_cell: int) -> list[Finding]:
    """People recorded with another or no sex (X, U) at the last snapshot, said as a count."""
    last = data[
        pd.to_datetime(data["snapshot_date"]) == pd.to_datetime(data["snapshot_date"]).max()
    ]
    n = int((~last["sex"].astype("string").isin(["F", "M"]).fillna(False)).sum())
    if not n:
        return []
    return [
        Finding(
            f"{count_words(n, min_cell).capitalize()} employees at the last snapshot have another "
            "or no recorded sex (codes X and U): they are not part of any comparison of women "
            "and men.",
            value=float(n) if n >= min_cell else None,
            key="other_sex",
        )
    ]


def _one_snapshot(data, source, chart_source, min_cell, linkage) -> FlowsReport:
    disclosure.check_population(data, min_cell)
    snapshot = pd.Timestamp(pd.to_datetime(data["snapshot_date"]).max())
    how = (
        "To supply them, give two or more snapshots of the same employer (a year apart, e.g. "
        "each 31 March) in which every employee keeps the same employee_id: one file with "
        "several snapshot dates, or one dataset per year. An events table (starters, leavers "
        "with their reason, promotions, regradings, each dated) adds voluntary turnover; give "
        "it with its mapping (research.data.longitudinal)."
    )
    one = f"This dataset holds one snapshot ({long_date(snapshot)})"
    generated = linkage is not None and bool(
        linkage["problem"].astype(str).str.contains("generates from the row number").any()
    )
    if generated:
        how += (
            " This extract has no employee identifier: its mapping numbers the rows, and row "
            "numbers do not follow anyone from one extract to the next, so each extract needs "
            "a stable pseudonymised id (e.g. a hashed payroll number)."
        )
    notes = {
        "recruitment": Note(
            "flows_missing",
            f"{one}, so who joined and who left cannot be measured, nor turnover or stability. "
            + how,
        ),
        "retention": Note(
            "half_life_missing",
            f"{one}, so how long starters stay cannot be followed; the hire cohorts below show "
            "only those still employed.",
        ),
        "groups": Note(
            "flows_by_group_missing",
            f"{one}, so flows by ethnicity or disability cannot be measured either.",
        ),
        "progression": Note(
            "promotion_missing",
            f"{one}, so promotions (moves to a higher grade between snapshots) cannot be seen.",
        ),
        "projection": Note(
            "projection_missing",
            f"{one}, so the grade-transition model that projects women's share of the top "
            "grades cannot be estimated: it needs the flows between grades.",
        ),
    }
    service, has_start = _service_items(data)
    sections = [Section(k, SECTION_TITLES[k], (note,)) for k, note in notes.items()]
    sections.append(Section("service", SECTION_TITLES["service"], tuple(service)))
    sections.append(
        Section(
            "linkage",
            SECTION_TITLES["linkage"],
            (
                Note(
                    "linkage",
                    "With one snapshot there is nothing to link"
                    + (
                        "; this extract's ids are row numbers, which could not be linked to "
                        "another extract either."
                        if generated
                        else "."
                    ),
                ),
            ),
        )
    )
    sections, protected = published.protect(sections, data, min_cell=min_cell, source=source)
    sections = _with_cohort_figure(list(sections), chart_source)
    sections.append(
        Section(
            "disclosure",
            SECTION_TITLES["disclosure"],
            (Note("disclosure_audit", protected.note()),),
        )
    )
    found = [
        Finding(
            f"{one}: flows (starters, leavers, promotions) and the projection of the grades "
            "are not in the data; they need linked snapshots of the same employees.",
            key="one_snapshot",
        )
    ]
    if has_start:
        found += _cohort_findings(data, min_cell)
    else:
        found.append(
            Finding(
                "Start dates are not in the data, so hire cohorts and years of service are not "
                "shown.",
                key="no_start_dates",
            )
        )
    found += _other_sex_findings(data, min_cell)
    return FlowsReport(
        title=title_block(data, TOPIC, source),
        findings=findings(found),
        sections=tuple(sections),
        results={"disclosure_audit": protected.audit},
    )


def _cohort_findings(data: pd.DataFrame, min_cell: int) -> list[Finding]:
    """Women's share of recent and earlier hires still employed (both groups large enough)."""
    snapshot = pd.Timestamp(pd.to_datetime(data["snapshot_date"]).max())
    start = pd.to_datetime(data["start_date"])
    sex = data["sex"].astype("string")
    recent = (start > snapshot - pd.DateOffset(years=10)).fillna(False).to_numpy(bool)
    earlier = (start <= snapshot - pd.DateOffset(years=10)).fillna(False).to_numpy(bool)
    shares = []
    for mask in (recent, earlier):
        women = int((sex[mask] == "F").sum())
        men = int((sex[mask] == "M").sum())
        if min(women, men) < min_cell:
            return []
        shares.append(100 * women / (women + men))
    return [
        Finding(
            f"Women are {fmt_pct(shares[0])} of employees who started in the ten years to "
            f"{long_date(snapshot)} and {fmt_pct(shares[1])} of those who started earlier "
            "(only those still employed at the snapshot: those who left are not in the data).",
            value=shares[0],
            key="cohort_share_recent",
        )
    ]
