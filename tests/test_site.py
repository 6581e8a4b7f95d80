"""Tests for :mod:`research.run.site`: the offline index of all runs."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pandas as pd
import pytest

from research.run.site import COLUMNS, build_index, list_runs, read_manifest

STEM_A = "00_data_audit"
STEM_B = "10_pay gap"  # a space, to check link encoding


class Links(HTMLParser):
    """Collect hrefs/srcs, filterable rows and inline script/style text with the stdlib."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.resources: list[tuple[str, str]] = []
        self.rows: list[dict[str, str]] = []
        self.scripts: list[dict[str, Any]] = []
        self.styles: list[str] = []
        self._in: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "a" and "href" in attributes:
            self.hrefs.append(attributes["href"])
        for name in ("src", "href"):
            if name in attributes and tag != "a":
                self.resources.append((tag, attributes[name]))
        if tag == "tr" and "data-search" in attributes:
            self.rows.append(attributes)
        if tag == "script":
            self.scripts.append({"attrs": attributes, "text": ""})
        if tag in ("script", "style"):
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts[-1]["text"] += data
        elif self._in == "style":
            self.styles.append(data)


def write_run(
    reports: Path,
    stem: str,
    run_id: str,
    *,
    report: bool = True,
    text: str | None = None,
    **fields: Any,
) -> Path:
    """Create ``reports/<stem>/<run_id>/`` with a manifest (and a report unless told not to)."""
    run_dir = reports / stem / run_id
    run_dir.mkdir(parents=True)
    manifest = {
        "run_id": run_id,
        "notebook": f"notebooks/{stem}.ipynb",
        "notebook_stem": stem,
        "title": stem.replace("_", " ").title(),
        "parameters": {"dataset": "gpg", "min_cell": 10},
        "status": "succeeded",
        "error": None,
        "started": f"{run_id[:4]}-{run_id[4:6]}-{run_id[6:8]}T{run_id[9:11]}:00:00+00:00",
        "duration_seconds": 12.5,
        "command": f"research run notebooks/{stem}.ipynb",
    }
    manifest.update(fields)
    (run_dir / "manifest.json").write_text(
        text if text is not None else json.dumps(manifest), encoding="utf-8"
    )
    if report:
        (run_dir / "report.html").write_text("<html></html>", encoding="utf-8")
    return run_dir


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    root = tmp_path / "reports"
    write_run(root, STEM_A, "20261120T090000-aaaa1111")
    write_run(
        root,
        STEM_A,
        "20261124T100000-bbbb2222",
        status="failed",
        error={"cell_index": 7, "execution_count": 5, "ename": "ValueError", "evalue": "boom"},
    )
    write_run(
        root,
        STEM_B,
        "20261122T080000-cccc3333",
        parameters={"dataset": "cincinnati", "council": "Leeds City Council", "year": 2023},
    )
    write_run(root, STEM_B, "20261123T080000-dddd4444", report=False, text='{"run_id": "2026')
    write_run(root, STEM_B, "20261121T080000-eeee5555", report=False, text='{"title": "half"}')
    write_run(root, STEM_B, "20261119T080000-ffff6666", report=False, text="[1, 2]")
    return root


def test_list_runs_reads_every_manifest(reports: Path) -> None:
    runs = list_runs(reports)
    assert list(runs.columns) == COLUMNS
    assert len(runs) == 6
    assert runs["status"].tolist().count("unreadable") == 3
    assert set(runs.loc[runs["status"] == "unreadable", "problem"].str.split().str[0]) == {
        "invalid",
        "missing",
        "not",
    }
    failed = runs.loc[runs["status"] == "failed"].iloc[0]
    assert failed["error"] == "ValueError: boom"
    leeds = runs.loc[runs["run_id"] == "20261122T080000-cccc3333"].iloc[0]
    assert leeds["dataset"] == "cincinnati"
    assert leeds["parameters_text"] == "council=Leeds City Council, year=2023"
    assert leeds["parameters"]["year"] == 2023


def test_list_runs_newest_first(reports: Path) -> None:
    runs = list_runs(reports)
    readable = runs.loc[runs["status"] != "unreadable", "run_id"].tolist()
    assert readable == [
        "20261124T100000-bbbb2222",
        "20261122T080000-cccc3333",
        "20261120T090000-aaaa1111",
    ]
    # unreadable manifests are ordered by the time in their run id
    assert runs["run_id"].tolist()[1] == "20261123T080000-dddd4444"
    assert pd.api.types.is_datetime64_any_dtype(runs["started"])


def test_list_runs_links(reports: Path) -> None:
    runs = list_runs(reports)
    assert runs["report_href"].isna().sum() == 3
    for href in runs["manifest_href"].tolist() + runs["report_href"].dropna().tolist():
        assert (reports / unquote(href)).is_file(), href
    assert any("%20" in href for href in runs["manifest_href"])


def test_list_runs_empty(tmp_path: Path) -> None:
    runs = list_runs(tmp_path)
    assert runs.empty and list(runs.columns) == COLUMNS


def test_build_index_lists_runs_with_working_links(reports: Path) -> None:
    index = build_index(reports)
    assert index == reports / "index.html"
    page = Links(index.read_text(encoding="utf-8"))
    assert len(page.rows) == 6
    local = [href for href in page.hrefs if not href.startswith("#")]
    assert len([h for h in local if h.endswith("/report.html")]) == 3
    assert len([h for h in local if h.endswith("/manifest.json")]) == 6
    for href in local:
        assert not urlsplit(href).scheme and not href.startswith(("/", "//")), href
        assert (reports / unquote(href)).is_file(), href
    anchors = [href[1:] for href in page.hrefs if href.startswith("#")]
    html = index.read_text(encoding="utf-8")
    for anchor in anchors:
        assert f'id="{anchor}"' in html


def test_index_is_offline_with_inline_filter(reports: Path) -> None:
    page = Links(build_index(reports).read_text(encoding="utf-8"))
    assert page.resources == [] or all(
        not urlsplit(value).scheme and not value.startswith("//") for _, value in page.resources
    )
    assert len(page.scripts) == 1
    script = page.scripts[0]
    assert "src" not in script["attrs"]
    assert "addEventListener" in script["text"] and "data-search" in script["text"]
    for text in [script["text"], *page.styles]:
        assert "http://" not in text and "https://" not in text and "@import" not in text


def test_index_rows_are_searchable_and_grouped(reports: Path) -> None:
    html = build_index(reports).read_text(encoding="utf-8")
    page = Links(html)
    searches = [row["data-search"] for row in page.rows]
    assert any("leeds city council" in text for text in searches)
    assert sum("unreadable" in text for text in searches) == 3
    assert all(text == text.lower() for text in searches)
    assert html.index(STEM_A) < html.index(STEM_B)  # grouped by notebook
    assert html.index("bbbb2222") < html.index("aaaa1111")  # newest first within a group
    assert "status-failed" in html and "status-succeeded" in html
    assert "ValueError: boom" in html


def test_build_index_without_runs(tmp_path: Path) -> None:
    index = build_index(tmp_path / "missing")
    assert index.is_file()
    assert "No runs yet" in index.read_text(encoding="utf-8")


def test_read_manifest_reports_problems(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_bytes(b"\xff\xfe not json")
    assert read_manifest(path)[1] is not None
    assert read_manifest(tmp_path / "absent.json")[1].startswith("cannot read")
    path.write_text('{"status": "succeeded"}', encoding="utf-8")
    assert read_manifest(path) == ({"status": "succeeded"}, None)


def plan_record(reports: Path, runs: list[dict[str, Any]]) -> None:
    folder = reports / "_plans"
    folder.mkdir(parents=True, exist_ok=True)
    record = {
        "name": "by_council",
        "title": "Every council",
        "variables": ["council"],
        "runs": runs,
    }
    (folder / "by_council.json").write_text(json.dumps(record), encoding="utf-8")


def test_plan_pages_join_planned_runs_with_their_manifests(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    for n, (council, status, key) in enumerate(
        [("Leeds", "succeeded", "k1"), ("York", "failed", "k2"), ("Bath", "succeeded", "old")]
    ):
        write_run(
            reports,
            STEM_B,
            f"20261122T08000{n}-plan{n}",
            status=status,
            parameters={"dataset": "gpg", "council": council},
            plan={"name": "by_council", "key": key},
        )
    write_run(reports, STEM_A, "20261120T090000-aaaa1111")
    plan_record(
        reports,
        [
            {
                "notebook_stem": STEM_B,
                "run_id": f"20261122T08000{n}-plan{n}",
                "variables": {"council": c},
                "key": f"k{n + 1}",
            }
            for n, c in enumerate(["Leeds", "York", "Bath"])
        ]
        + [
            {
                "notebook_stem": STEM_B,
                "run_id": "never",
                "variables": {"council": "Wyre"},
                "key": "k4",
            }
        ],
    )
    index = build_index(reports)
    page = reports / "_plans" / "by_council.html"
    assert page.is_file()
    html = page.read_text(encoding="utf-8")
    parsed = Links(html)
    statuses = [row["data-status"] for row in parsed.rows]
    assert statuses == ["succeeded", "failed", "stale", "not run"]
    for href in parsed.hrefs:
        if not href.startswith("#"):
            assert (page.parent / unquote(href)).is_file(), href
    front = Links(index.read_text(encoding="utf-8"))
    assert "_plans/by_council.html" in front.hrefs
    plans = {row["data-plan"] for row in front.rows}
    assert plans == {"by_council", "-"}
    assert len(front.scripts) == 1
