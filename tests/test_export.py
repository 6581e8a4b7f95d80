"""Tests for :mod:`research.run.export`: offline, code-free HTML reports of executed notebooks.

Notebooks are built with nbformat and their outputs set by hand, so no kernel is needed.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import nbformat
import pytest
from nbformat.v4 import (
    new_code_cell,
    new_markdown_cell,
    new_notebook,
    new_output,
)

from research.run.export import (
    describe_failure,
    enforce_offline,
    format_bytes,
    format_duration,
    format_timestamp,
    format_value,
    mark_numeric_cells,
    markdown_headings,
    notebook_to_html,
)

PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
TABLE_HTML = (
    "<div><table border='1' class='dataframe'><caption>Headcount</caption>"
    "<thead><tr><th></th><th>council</th><th>women</th><th>gap_pct</th></tr></thead>"
    "<tbody><tr><th>0</th><td>Leeds</td><td>1,200</td><td>12.5%</td></tr>"
    "<tr><th>1</th><td>York</td><td>340</td><td>NaN</td></tr></tbody></table></div>"
)
COMMIT = "0123456789abcdef0123456789abcdef01234567"
SHA = "ab12cd34" * 8
ANSI_TRACEBACK = [
    "\x1b[0;31m---------------------------------------------------------------------------\x1b[0m",
    "\x1b[0;31mValueError\x1b[0m                                Traceback (most recent call last)",
    "Cell \x1b[0;32mIn[5]\x1b[0m, line 2\n      1 rows = 3\n----> 2 raise ValueError('no <Leeds> rows')",
    "\x1b[0;31mValueError\x1b[0m: no <Leeds> rows",
]
CDN_HOSTS = ("cdnjs", "jsdelivr", "unpkg", "googleapis", "gstatic", "cloudflare", "mathjax")
RESOURCE_ATTRS = {
    "script": "src",
    "link": "href",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "embed": "src",
}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


# ----------------------------------------------------------------------------- HTML helpers


class Page(HTMLParser):
    """Minimal stdlib DOM: elements with attributes, and their text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[dict[str, Any]] = []
        self.script_text: list[str] = []
        self.style_text: list[str] = []
        self._open: list[dict[str, Any]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = {"tag": tag, "attrs": {k: v or "" for k, v in attrs}, "text": [], "inner": []}
        for ancestor in self._open:
            ancestor["inner"].append(element)
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for position in range(len(self._open) - 1, -1, -1):
            if self._open[position]["tag"] == tag:
                del self._open[position:]
                return

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element["text"].append(data)
        if self._open and self._open[-1]["tag"] == "script":
            self.script_text.append(data)
        if self._open and self._open[-1]["tag"] == "style":
            self.style_text.append(data)

    def by_id(self, element_id: str) -> dict[str, Any]:
        matches = [e for e in self.elements if e["attrs"].get("id") == element_id]
        assert matches, f"no element with id {element_id!r}"
        return matches[0]

    def text(self, element_id: str) -> str:
        return " ".join(" ".join(self.by_id(element_id)["text"]).split())

    def ids(self) -> set[str]:
        return {e["attrs"]["id"] for e in self.elements if "id" in e["attrs"]}

    def find(self, tag: str) -> list[dict[str, Any]]:
        return [e for e in self.elements if e["tag"] == tag]


def is_local(url: str) -> bool:
    """Relative path, fragment or data: URI."""
    url = url.strip()
    return url.startswith("data:") or (not urlsplit(url).scheme and not url.startswith("//"))


def assert_offline(html: str) -> None:
    """The checks a self-contained page must pass."""
    page = Page(html)
    for element in page.elements:
        attribute = RESOURCE_ATTRS.get(element["tag"])
        if attribute and attribute in element["attrs"]:
            value = element["attrs"][attribute]
            assert is_local(value), f"<{element['tag']} {attribute}={value[:60]!r}> is external"
        for value in element["attrs"].values():
            assert not any(host in value.lower() for host in CDN_HOSTS), value[:80]
    for text in page.script_text + page.style_text:
        assert "http://" not in text and "https://" not in text
        assert "@import" not in text


# ----------------------------------------------------------------------------- fixtures


def base_cells() -> list[nbformat.NotebookNode]:
    """Title, parameters, injected parameters and a first section with outputs."""
    params = new_code_cell('dataset = "synthetic"\nmin_cell = 10', execution_count=1)
    params.metadata["tags"] = ["parameters"]
    injected = new_code_cell(
        '# Parameters\nSECRET_PARAM_VALUE = 123\ndataset = "gpg"\n', execution_count=2
    )
    injected.metadata["tags"] = ["injected-parameters"]
    table = new_code_cell("HIDDEN_CODE_TABLE = df.head()", execution_count=3)
    table.outputs = [
        new_output(
            "execute_result",
            data={"text/html": TABLE_HTML, "text/plain": "  council women"},
            execution_count=3,
        )
    ]
    stream = new_code_cell("print('HIDDEN_CODE_PRINT')", execution_count=4)
    stream.outputs = [new_output("stream", name="stdout", text="VISIBLE_STREAM_TEXT\n")]
    return [
        new_markdown_cell("# Occupational segregation audit\n\nIntro paragraph."),
        params,
        injected,
        new_markdown_cell("## Headcount by council"),
        table,
        stream,
    ]


def success_notebook() -> nbformat.NotebookNode:
    figure = new_code_cell("HIDDEN_CODE_PLOT = plt.show()", execution_count=6)
    figure.outputs = [
        new_output("display_data", data={"image/png": PNG_1PX, "text/plain": "<Figure>"})
    ]
    removed = new_code_cell("REMOVED_CELL_SOURCE = 1", execution_count=7)
    removed.metadata["tags"] = ["remove-cell"]
    removed.outputs = [new_output("stream", name="stdout", text="REMOVED_CELL_OUTPUT\n")]
    remote = new_code_cell("HIDDEN_CODE_REMOTE = widget", execution_count=8)
    remote.outputs = [
        new_output(
            "display_data",
            data={
                "text/html": '<script src="https://cdn.jsdelivr.net/npm/x.js"></script>'
                '<img src="https://example.org/logo.png" alt="remote logo"><p>REMOTE_TEXT</p>',
                "application/javascript": "require(['https://cdnjs.cloudflare.com/x.js'])",
            },
        )
    ]
    nb = new_notebook(
        cells=[
            *base_cells(),
            new_markdown_cell("## Pay (median) & 50% gap\n\nSee [ONS](https://www.ons.gov.uk)."),
            new_markdown_cell("### Figures"),
            figure,
            removed,
            remote,
        ]
    )
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    return nb


def failed_notebook() -> nbformat.NotebookNode:
    """A notebook as papermill 2.7 leaves it after a ValueError in ``In [5]``."""
    banner = new_markdown_cell(
        '<span style="color:red">An Exception was encountered at '
        "'<a href=\"#papermill-error-cell\">In [5]</a>'.</span>"
    )
    banner.metadata["tags"] = ["papermill-error-cell-tag"]
    anchor = new_markdown_cell(
        '<span id="papermill-error-cell" style="color:red">Execution using papermill '
        "encountered an exception here and stopped:</span>"
    )
    anchor.metadata["tags"] = ["papermill-error-cell-tag"]
    failing = new_code_cell("rows = 3\nraise ValueError('no <Leeds> rows')", execution_count=5)
    failing.outputs = [
        new_output("stream", name="stdout", text="PARTIAL_OUTPUT_OF_FAILING_CELL\n"),
        new_output("error", ename="ValueError", evalue="no <Leeds> rows", traceback=ANSI_TRACEBACK),
    ]
    failing.metadata["papermill"] = {"exception": True, "status": "failed"}
    pending = new_code_cell("HIDDEN_CODE_NEVER_RUN = 1")
    pending.metadata["papermill"] = {"exception": None, "status": "pending"}
    cells = base_cells()
    return new_notebook(
        cells=[
            banner,
            *cells,
            anchor,
            failing,
            new_markdown_cell("## Never reached"),
            pending,
        ]
    )


def make_manifest(**overrides: Any) -> dict[str, Any]:
    manifest = {
        "run_id": "20261124T101500-3f2a9c1b",
        "notebook": "notebooks/00_data_audit.ipynb",
        "notebook_stem": "00_data_audit",
        "title": "Data audit",
        "parameters": {"dataset": "gpg", "min_cell": 10, "councils": ["Leeds", "York"]},
        "seed": 2025,
        "inputs": [{"path": "data/raw/gpg/UK_GPG_2019-20.csv.gz", "sha256": SHA, "bytes": 12345}],
        "git": {"commit": COMMIT, "dirty": True},
        "python": "3.11.7",
        "packages": {"pandas": "3.1.1", "papermill": "2.7.0"},
        "platform": "Linux-6.1-x86_64",
        "started": "2026-11-24T10:15:00+00:00",
        "finished": "2026-11-24T10:15:20+00:00",
        "duration_seconds": 20.1,
        "status": "succeeded",
        "error": None,
        "outputs": {
            "notebook": "00_data_audit.ipynb",
            "html": "report.html",
            "tables": ["headcount.csv"],
            "figures": ["pay.png"],
        },
        "command": "research run notebooks/00_data_audit.ipynb -p dataset gpg -p min_cell 10",
    }
    manifest.update(overrides)
    return manifest


def export(tmp_path: Path, nb: nbformat.NotebookNode, manifest: dict[str, Any]) -> str:
    notebook = tmp_path / "00_data_audit.ipynb"
    nbformat.write(nb, notebook)
    out = notebook_to_html(notebook, manifest, tmp_path / "report.html")
    assert out == tmp_path / "report.html"
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def success_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    return export(tmp_path_factory.mktemp("ok"), success_notebook(), make_manifest())


FAILED_ERROR = {
    "cell_index": 6,
    "execution_count": 5,
    "ename": "ValueError",
    "evalue": "no <Leeds> rows",
    "source": "rows = 3\nraise ValueError('no <Leeds> rows')",
}


@pytest.fixture(scope="module")
def failed_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    manifest = make_manifest(status="failed", error=FAILED_ERROR)
    return export(tmp_path_factory.mktemp("failed"), failed_notebook(), manifest)


# ----------------------------------------------------------------------------- successful run


def test_report_is_self_contained(success_html: str) -> None:
    assert_offline(success_html)
    assert "require.js" not in success_html
    assert "REMOTE_TEXT" in success_html  # the output survives, minus its remote parts
    assert "remote logo" in success_html


def test_report_carries_a_policy_with_no_script_and_its_own_styles(success_html: str) -> None:
    import re

    from research.run.export import source_hash
    from research.run.export.csp import head_styles

    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', success_html)
    assert policy, "no Content-Security-Policy"
    assert success_html.index("Content-Security-Policy") < success_html.index("<style")
    directives = dict(d.split(" ", 1) for d in policy.group(1).split("; "))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'none'"
    assert directives["img-src"] == "data:"
    styles = head_styles(success_html)
    assert len(styles) == 2  # report.css and the highlighting rules
    assert set(directives["style-src"].split()) == {source_hash(s) for s in styles}
    assert "<script" not in success_html


def test_no_code_is_shown(success_html: str) -> None:
    assert "HIDDEN_CODE" not in success_html
    assert "jp-InputArea-editor" not in success_html
    assert "In&nbsp;[" not in success_html and "In [" not in success_html


def test_parameter_cells_and_removed_cells_vanish(success_html: str) -> None:
    assert "SECRET_PARAM_VALUE" not in success_html
    assert "celltag_parameters" not in success_html
    assert "REMOVED_CELL_SOURCE" not in success_html
    assert "REMOVED_CELL_OUTPUT" not in success_html


def test_outputs_are_kept(success_html: str) -> None:
    page = Page(success_html)
    assert "VISIBLE_STREAM_TEXT" in success_html
    assert any(img["attrs"].get("src", "").startswith("data:image/png") for img in page.find("img"))
    assert "Headcount" in [" ".join("".join(c["text"]).split()) for c in page.find("caption")]


def test_header_shows_title_and_date_and_the_appendix_the_parameters(success_html: str) -> None:
    """A committee reads the title first: the parameters, dataset and status of the run are in
    the appendix (a successful run shows no status pill in the header)."""
    page = Page(success_html)
    header = page.text("report-header")
    assert "Data audit" in header
    assert "24 November 2026, 10:15 UTC" in header
    assert "min_cell" not in header and "succeeded" not in header.lower()
    appendix = page.text("report-manifest")
    assert "Dataset gpg" in appendix
    assert "min_cell 10" in appendix
    assert 'councils ["Leeds", "York"]' in appendix
    assert "succeeded" in appendix
    assert [t["text"] for t in page.find("title")] == [["Data audit (gpg)"]]
    # the notebook's own "# Title" line is not repeated in the body
    assert "Occupational segregation audit" not in page.text("report-body")
    assert "Intro paragraph." in page.text("report-body")


def test_toc_links_to_existing_heading_ids(success_html: str) -> None:
    page = Page(success_html)
    links = [e for e in page.by_id("report-contents")["inner"] if e["tag"] == "a"]
    texts = ["".join(link["text"]).strip() for link in links]
    assert texts == [
        "Headcount by council",
        "Pay (median) & 50% gap",
        "Figures",
        "Appendix: parameters and run manifest",
    ]
    ids = page.ids()
    for link in links:
        href = link["attrs"]["href"]
        assert href.startswith("#")
        assert href[1:] in ids, href
    body_headings = [e for e in page.by_id("report-body")["inner"] if e["tag"] in ("h2", "h3")]
    assert [e["attrs"]["id"] for e in body_headings] == [h["attrs"]["href"][1:] for h in links[:3]]


def test_numeric_columns_are_marked(success_html: str) -> None:
    page = Page(success_html)
    cells = {"".join(td["text"]): td["attrs"].get("class", "") for td in page.find("td")}
    assert "num" in cells["1,200"].split()
    assert "num" in cells["12.5%"].split()
    assert "num" not in cells["Leeds"].split()


def test_appendix_shows_manifest(success_html: str) -> None:
    page = Page(success_html)
    appendix = page.text("report-manifest")
    assert COMMIT[:12] in appendix
    assert "uncommitted changes" in appendix
    assert SHA[:12] in appendix and SHA not in appendix
    titles = [e["attrs"].get("title") for e in page.find("code")]
    assert COMMIT in titles and SHA in titles
    for expected in ("3.11.7", "pandas", "3.1.1", "2025", "20.1 s", "12.3 kB"):
        assert expected in appendix
    assert "research run notebooks/00_data_audit.ipynb -p dataset gpg" in appendix
    hrefs = {a["attrs"].get("href") for a in page.find("a")}
    assert {"manifest.json", "tables/headcount.csv", "figures/pay.png"} <= hrefs


def test_success_has_no_failure_box(success_html: str) -> None:
    assert 'id="report-failure"' not in success_html


# ----------------------------------------------------------------------------- failed run


def test_failure_box(failed_html: str) -> None:
    page = Page(failed_html)
    box = page.text("report-failure")
    assert "This run failed" in box
    assert "cell 6" in box and "In [5]" in box
    assert "ValueError" in box
    assert "no <Leeds> rows" in box
    assert "raise ValueError('no <Leeds> rows')" in box
    assert "Traceback (most recent call last)" in box
    assert "\x1b" not in failed_html and "[0;31m" not in failed_html
    assert page.elements.index(page.by_id("report-failure")) < page.elements.index(
        page.by_id("report-body")
    )


def test_failed_report_keeps_partial_outputs_only(failed_html: str) -> None:
    page = Page(failed_html)
    body = page.text("report-body")
    assert "Headcount by council" in body
    assert "VISIBLE_STREAM_TEXT" in body
    assert "PARTIAL_OUTPUT_OF_FAILING_CELL" in body
    assert "Execution stopped here" in body
    assert "Never reached" not in failed_html
    assert "HIDDEN_CODE" not in failed_html
    assert "SECRET_PARAM_VALUE" not in failed_html
    assert_offline(failed_html)


def test_papermill_banners_are_replaced(failed_html: str) -> None:
    assert "An Exception was encountered" not in failed_html
    assert "papermill-error-cell" not in failed_html
    assert "encountered an exception here" not in failed_html


def test_failure_details_come_from_notebook_when_manifest_has_none(tmp_path: Path) -> None:
    html = export(tmp_path, failed_notebook(), make_manifest(status="failed", error=None))
    box = Page(html).text("report-failure")
    assert "cell 6" in box and "In [5]" in box
    assert "ValueError: no <Leeds> rows" in box
    assert "raise ValueError" in box


def test_describe_failure_without_status_uses_notebook() -> None:
    failure = describe_failure(failed_notebook(), {})
    assert failure is not None
    assert (failure.cell_index, failure.execution_count, failure.ename) == (6, 5, "ValueError")
    assert "\x1b" not in failure.traceback
    assert describe_failure(success_notebook(), {}) is None


# ----------------------------------------------------------------------------- helpers


def test_minimal_manifest_is_tolerated(tmp_path: Path) -> None:
    html = export(tmp_path, success_notebook(), {})
    page = Page(html)
    assert "Occupational segregation audit" in page.text("report-header")
    assert "Started unknown" in page.text("report-manifest")


def test_export_does_not_modify_notebook(tmp_path: Path) -> None:
    notebook = tmp_path / "nb.ipynb"
    nbformat.write(failed_notebook(), notebook)
    before = notebook.read_bytes()
    notebook_to_html(notebook, make_manifest(status="failed"), tmp_path / "out" / "r.html")
    assert notebook.read_bytes() == before
    assert (tmp_path / "out" / "r.html").is_file()
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp")]


def test_markdown_headings_match_nbconvert_ids() -> None:
    headings = markdown_headings("## Pay (median) & 50% gap\n\ntext\n\n### Sub `code`\n# Top")
    assert [(h.level, h.text) for h in headings] == [
        (2, "Pay (median) & 50% gap"),
        (3, "Sub code"),
    ]
    assert headings[0].id == "Pay-(median)-&-50%25-gap"


def test_enforce_offline_strips_remote_resources() -> None:
    page = (
        "<html><head><link rel='stylesheet' href='https://fonts.googleapis.com/css'>"
        "<style>@import url('https://x.org/a.css'); body{background:url(//x.org/b.png)}</style>"
        "<script>fetch('https://x.org')</script></head><body>"
        "<img src='https://x.org/i.png' alt='chart'><a href='https://www.gov.uk'>gov</a>"
        "<img src='data:image/png;base64,AAAA'></body></html>"
    )
    cleaned = enforce_offline(page)
    assert_offline(cleaned)
    assert "chart" in cleaned and "https://www.gov.uk" in cleaned and "data:image/png" in cleaned


def test_mark_numeric_cells_leaves_text_columns() -> None:
    html = mark_numeric_cells(TABLE_HTML)
    page = Page(html)
    classes = {"".join(td["text"]): td["attrs"].get("class", "") for td in page.find("td")}
    assert classes["340"] == "num" and classes["NaN"] == "num" and classes["York"] == ""
    assert mark_numeric_cells("<p>no table</p>") == "<p>no table</p>"


def test_suppressed_cells_do_not_make_a_column_textual() -> None:
    html = mark_numeric_cells(
        "<table><tbody><tr><td>Leeds</td><td>[c]</td></tr>"
        "<tr><td>York</td><td>1,234</td></tr></tbody></table>"
    )
    classes = {"".join(td["text"]): td["attrs"].get("class", "") for td in Page(html).find("td")}
    assert classes == {"Leeds": "", "[c]": "num", "York": "", "1,234": "num"}


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(20.14, "20.1 s"), (185, "3 min 05 s"), (3720, "1 h 02 min"), (None, ""), (float("nan"), "")],
)
def test_format_duration(seconds: Any, expected: str) -> None:
    assert format_duration(seconds) == expected


def test_format_timestamp_and_bytes() -> None:
    assert format_timestamp("2026-11-24T11:15:00+01:00") == "24 November 2026, 10:15 UTC"
    assert format_timestamp("2026-11-24T10:15:00") == "24 November 2026, 10:15 UTC"
    assert format_timestamp(None) == ""
    assert format_bytes(123) == "123 B" and format_bytes(1_234_567) == "1.2 MB"


def test_manifest_json_round_trip(tmp_path: Path) -> None:
    """Manifests read back from disk (as the runner writes them) export the same."""
    manifest = json.loads(json.dumps(make_manifest()))
    html = export(tmp_path, success_notebook(), manifest)
    assert COMMIT[:12] in html


def test_absolute_paths_in_the_project_are_shown_relative_to_it() -> None:
    from research.core.paths import project_root

    inside = str(project_root() / "data" / "own" / "extract.csv")
    assert format_value(inside + "?sex=F") == "data/own/extract.csv?sex=F"
    assert format_value("/elsewhere/extract.csv") == "/elsewhere/extract.csv"
    assert format_value("synthetic:n_employees=600") == "synthetic:n_employees=600"
    assert format_value({"a": 1}) == '{"a": 1}'


def test_the_title_block_heading_becomes_the_page_title():
    import nbformat

    from research.present.report import TitleBlock
    from research.run.export.toc import report_heading

    block = TitleBlock("Gender pay gap", 'Borough "<b>" Council', "31 March 2025", "x")
    cell = nbformat.v4.new_code_cell("show(report.title)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": block.to_html()})]
    nb = nbformat.v4.new_notebook(cells=[cell])
    assert report_heading(nb) == 'Gender pay gap: Borough "<b>" Council, 31 March 2025'
    assert report_heading(nbformat.v4.new_notebook()) is None
