"""Figures of the decomposition report, each with a title that states its finding, alt text written
from its numbers, and the name of the table that holds them.

The charts themselves are drawn by :mod:`research.decomposition.plots`.
"""

from __future__ import annotations

from research.decomposition import plots as charts
from research.decomposition.findings import (
    bmz_title,
    contributions_title,
    profile_sentence,
    quantile_title,
    share,
    waterfall_title,
)
from research.decomposition.suite import Decompositions
from research.decomposition.tables import contributions, points
from research.present import plots
from research.present.report import Figure
from research.present.wording import join_words


def _words(dec: Decompositions) -> str:
    """The pay compared, for axis labels and alt text (``"hourly pay"`` by default)."""
    return dec.measure.words if dec.measure is not None else "hourly pay"


def _finish(ax, title: str, source: str):
    ax.set_title(title)
    plots.source_note(ax, source)
    return ax


def waterfall_figure(dec: Decompositions, *, source: str) -> Figure:
    """The explained contribution of each characteristic, the unexplained part and the gap."""
    table = contributions(dec.ob)
    gap = dec.ob.gap.value
    explained, unexplained = dec.ob.twofold.explained.value, dec.ob.twofold.unexplained.value
    expl = table[(table["component"] == "explained") & (table["variable"] != "_cons")]
    ax = _finish(charts.waterfall(table, gap, pay_words=_words(dec)), waterfall_title(dec), source)
    alt = (
        f"Horizontal waterfall chart of the {points(gap):.1f}-point gap in log {_words(dec)} "
        "between men and women. The explained contributions of "
        f"{join_words([label.lower() for label in expl['label']])} add up to "
        f"{points(explained):.1f} points ({share(explained, gap)} of the gap); the unexplained "
        f"part is {points(unexplained):.1f} points ({share(unexplained, gap)})."
    )
    if len(expl):
        top = expl.loc[expl["points"].abs().idxmax()]
        alt += f" {top['label']} contributes most, {top['points']:+.1f} points."
    return Figure("decomposition_waterfall", ax, alt, "contributions_by_characteristic")


def contributions_figure(dec: Decompositions, *, source: str) -> Figure:
    """Explained and unexplained contribution of each characteristic with 95% intervals."""
    table = contributions(dec.ob)
    ax = _finish(
        charts.contribution_intervals(table, pay_words=_words(dec)),
        contributions_title(dec),
        source,
    )
    parts = table[table["variable"] != "_cons"]
    sentences = []
    for kind in ("explained", "unexplained"):
        part = parts[parts["component"] == kind]
        if len(part):
            top = part.loc[part["points"].abs().idxmax()]
            sentences.append(
                f"the largest {kind} contribution is {top['label'].lower()}, "
                f"{top['points']:+.1f} points (95% interval {top['ci_low_points']:.1f} to "
                f"{top['ci_high_points']:.1f})"
            )
    alt = (
        "Dot chart of the explained and unexplained contribution of each characteristic to the "
        "gap, in log points, with 95% intervals: " + "; ".join(sentences) + "."
    )
    return Figure("contributions_with_intervals", ax, alt, "contributions_by_characteristic")


def occupational_split_figure(dec: Decompositions, *, source: str) -> Figure:
    """Between- and within-occupation parts of the gap, each explained and unexplained."""
    c = dec.bmz.components
    gap = c["gap"].value
    ax = _finish(
        charts.occupational_split(dec.bmz.to_frame(), pay_words=_words(dec)), bmz_title(dec), source
    )
    alt = (
        f"Bar chart of the {points(gap):.1f}-point gap in log {_words(dec)} split between and "
        "within occupations: "
        f"between occupations {points(c['between'].value):.1f} points "
        f"({share(c['between'].value, gap)}; explained "
        f"{points(c['between_explained'].value):.1f}, unexplained "
        f"{points(c['between_unexplained'].value):.1f}), within occupations "
        f"{points(c['within'].value):.1f} points ({share(c['within'].value, gap)}; explained "
        f"{points(c['within_explained'].value):.1f}, unexplained "
        f"{points(c['within_unexplained'].value):.1f}), with 95% intervals."
    )
    return Figure("occupational_split_chart", ax, alt, "occupational_split")


def quantile_figure(dec: Decompositions, *, source: str) -> Figure:
    """Gap, explained and unexplained parts across the pay distribution, with 95% bands."""
    gaps = dec.rif.table[dec.rif.table["component"] == "gap"].sort_values("quantile")
    ax = _finish(
        charts.quantile_profile(dec.rif.table, pay_words=_words(dec)), quantile_title(dec), source
    )
    alt = (
        f"Line chart of the gap between men's and women's {_words(dec)} and its explained and "
        "unexplained parts at each percentile, in log points, with 95% bands. "
        + profile_sentence(gaps, dec.measure)
    )
    return Figure("quantile_profile", ax, alt, "quantile_decomposition")
