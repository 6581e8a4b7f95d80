"""Checks every notebook test makes: the run published what its report object holds."""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # the in-process report builds draw figures without a display

import pytest  # noqa: E402

from research.present.report import Figure, Report, Table  # noqa: E402
from research.run.runner import run_notebook  # noqa: E402

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

PLACEHOLDER_ALT = "No description has been provided"


def notebook_run(stem: str, parameters: dict):
    """A module fixture that runs ``notebooks/<stem>.ipynb`` once with ``parameters``."""

    @pytest.fixture(scope="module")
    def run(tmp_path_factory):
        reports = tmp_path_factory.mktemp("reports")
        return run_notebook(NOTEBOOKS / f"{stem}.ipynb", parameters, reports=reports, index=False)

    return run


def assert_published(run, report: Report, extra_tables: Iterable[Table] = ()) -> str:
    """The run succeeded, saved every table (CSV) and figure (PNG) of ``report``, and its page
    states every key finding and every figure's alt text. Returns the page."""
    assert run.ok, run.error
    saved_tables = {p.stem for p in (run.run_dir / "tables").glob("*.csv")}
    missing = [t.name for t in [*report.tables(), *extra_tables] if t.name not in saved_tables]
    assert not missing, f"tables not published: {missing}"
    saved_figures = {p.stem for p in (run.run_dir / "figures").glob("*.png")}
    missing = [f.name for f in report.figures() if f.name not in saved_figures]
    assert not missing, f"figures not published: {missing}"
    page = run.html.read_text(encoding="utf-8")
    for text in report.findings.texts():  # the exporter re-serialises, so quotes stay as they are
        assert html.escape(text, quote=False) in page, text
    for figure in report.figures():
        assert html.escape(figure.alt, quote=False) in page, figure.alt
    assert PLACEHOLDER_ALT not in page
    heading = html.escape(report.title.heading, quote=False)
    assert f"<title>{heading}" in page, "the page title names topic, organisation and period"
    assert f'<h1 class="report-title">{heading}</h1>' in page
    return page


def finding(report, key):
    """The key finding of ``report`` with ``key``."""
    return next(f for f in report.findings if f.key == key)


def all_text(report) -> str:
    """Everything a reader of ``report`` sees as text: findings, title block, captions, notes,
    column labels, table cells, alt text and notes standing in for items."""
    parts = list(report.findings.texts()) + [v for _, v in report.title.lines()]
    for item in report.items():
        if isinstance(item, Table):
            parts += [item.caption, *item.notes, *[c.label for c in item.columns]]
            parts += [str(v) for v in item.data.to_numpy().ravel()]
        elif isinstance(item, Figure):
            parts.append(item.alt)
        else:
            parts.append(item.text)
    return "\n".join(parts)
