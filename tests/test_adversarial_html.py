"""A report is a public document: hostile text from data never runs, and is shown as text.

A canonical dataset (parquet) is drawn with :func:`research.data.synth.generate` and its labels
(occupation titles and codes, grades, job families, departments, employer, age bands) are replaced
by markup, script URLs, template syntax and spreadsheet formulas. Notebooks 00, 10, 20 and 40 run on
it through :func:`research.run.runner.run_notebook`; a run whose dataset filter is hostile fails
with the markup in its error message. Every report and the site index are opened in headless
Chromium with a dialog listener and a Content-Security-Policy violation listener: no dialog, no
script, no violation, and each label reads literally in the page text. CSV tables neutralise
formula-like text and keep numbers as numbers.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from test_site_browser import browser  # noqa: E402, F401

from research.data.synth import generate  # noqa: E402
from research.run.export import add_policy, policy, source_hash, strip_active_content  # noqa: E402
from research.run.runner import run_notebook  # noqa: E402
from research.run.site import build_index  # noqa: E402

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = {
    "00": ("00_data_audit", {}),
    "10": ("10_pay_gap", {"n_boot": 20}),
    "20": ("20_segregation", {"n_boot": 20}),
    "40": ("40_equal_pay_audit", {}),
}
HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    '"><svg onload=alert(3)>',
    "javascript:alert(4)",
    "{{7*7}}",
    '=HYPERLINK("http://x")',
]
HOSTILE_COLUMNS = [
    "occupation_title",
    "occupation",
    "grade",
    "job_family",
    "department",
    "age_band",
]
EMPLOYER = "<script>alert(5)</script> Council"
FILTER_VALUE = "<script>alert(7)</script>"
WATCH = """
window.__violations = [];
window.__alerts = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
for (const name of ["alert", "confirm", "prompt"]) {
  const original = window[name];
  window[name] = function (m) { window.__alerts.push(String(m)); return original.call(window, m); };
}
"""


def hostile_frame() -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """A synthetic workforce whose labels are hostile; returns it and the labels per column."""
    data = generate(600, seed=3)
    labels = {}
    for shift, column in enumerate(HOSTILE_COLUMNS):
        categories = list(data[column].cat.categories)
        renamed = {
            c: f"{HOSTILE[(i + shift) % len(HOSTILE)]} {c}" for i, c in enumerate(categories)
        }
        data[column] = data[column].cat.rename_categories(renamed)
        labels[column] = list(renamed.values())
    data["employer"] = data["employer"].cat.rename_categories([EMPLOYER])
    labels["employer"] = [EMPLOYER]
    return data, labels


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    data, labels = hostile_frame()
    path = folder / "workforce.parquet"
    data.to_parquet(path)
    reports = folder / "reports"
    runs = {}
    for key, (stem, params) in NOTEBOOKS.items():
        runs[key] = run_notebook(
            ROOT / "notebooks" / f"{stem}.ipynb",
            {"dataset": str(path), **params},
            reports=reports,
            index=False,
        )
    department = labels["department"][0]
    runs["filtered"] = run_notebook(
        ROOT / "notebooks" / "10_pay_gap.ipynb",
        {"dataset": f"{path}?department={department}", "n_boot": 20},
        reports=reports,
        index=False,
    )
    runs["failed"] = run_notebook(
        ROOT / "notebooks" / "10_pay_gap.ipynb",
        {"dataset": f"{path}?department={FILTER_VALUE}", "n_boot": 20},
        reports=reports,
        index=False,
    )
    build_index(reports)
    return {"runs": runs, "labels": labels, "reports": reports, "department": department}


def open_page(browser, path: Path) -> dict:  # noqa: F811
    """Open a page from disk; what it shows and whatever tried to run."""
    page = browser.new_page()
    dialogs: list[str] = []
    console: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: console.append(m.text))
    page.on("pageerror", lambda e: console.append(str(e)))
    page.add_init_script(WATCH)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)
    seen = {
        "dialogs": dialogs,
        "console": console,
        "violations": page.evaluate("window.__violations"),
        "alerts": page.evaluate("window.__alerts"),
        "text": page.inner_text("body"),
        "tables": page.evaluate(
            "Array.from(document.querySelectorAll('table')).map(t => t.innerText).join('\\n')"
        ),
        "title": page.title(),
        "alts": page.evaluate("Array.from(document.images).map(i => i.getAttribute('alt'))"),
        "scripts": page.evaluate("document.scripts.length"),
        "handlers": page.evaluate(
            "Array.from(document.querySelectorAll('*')).flatMap(e => "
            "Array.from(e.attributes).filter(a => /^on/i.test(a.name)).map(a => a.name))"
        ),
        "csp": page.evaluate(
            "(document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]')||{}).content"
        ),
        "page": page,
    }
    return seen


def assert_inert(seen: dict, scripts: int = 0) -> None:
    """Nothing ran, nothing was blocked by the policy, the page carries the policy."""
    assert seen["dialogs"] == []
    assert seen["alerts"] == []
    assert seen["violations"] == []
    assert seen["console"] == []
    assert seen["scripts"] == scripts
    assert seen["handlers"] == []
    assert "default-src 'none'" in seen["csp"]
    assert "object-src 'none'" in seen["csp"]
    assert "base-uri 'none'" in seen["csp"]
    assert "form-action 'none'" in seen["csp"]
    assert "unsafe-inline" not in seen["csp"]
    assert "unsafe-eval" not in seen["csp"]


# ----------------------------------------------------------------------------- report pages


@pytest.mark.parametrize("key", list(NOTEBOOKS))
def test_a_report_on_hostile_labels_runs_no_script_and_shows_them_as_text(hostile, browser, key):  # noqa: F811
    run = hostile["runs"][key]
    assert run.ok, run.error
    seen = open_page(browser, run.html)
    try:
        assert_inert(seen)
        assert "script-src 'none'" in seen["csp"]
        for label in HOSTILE:
            assert label in seen["tables"], (key, label)
    finally:
        seen["page"].close()


def test_every_hostile_column_reads_literally_in_some_report_table(hostile, browser):  # noqa: F811
    tables = ""
    for key in NOTEBOOKS:
        seen = open_page(browser, hostile["runs"][key].html)
        tables += seen["tables"]
        seen["page"].close()
    for column in HOSTILE_COLUMNS:
        shown = [label for label in hostile["labels"][column] if label in tables]
        assert shown, f"no label of {column} is shown literally in a table"


def test_figure_alt_text_holds_hostile_labels_literally(hostile, browser):  # noqa: F811
    alts = []
    for key in NOTEBOOKS:
        seen = open_page(browser, hostile["runs"][key].html)
        alts += seen["alts"]
        seen["page"].close()
    assert alts and all(alt and len(alt) >= 20 for alt in alts)
    joined = "\n".join(alts)
    for label in ["<script>alert(2)</script>", '"><svg onload=alert(3)>', "{{7*7}}"]:
        assert label in joined, label


def test_the_hostile_employer_reads_literally_in_the_report_title_block(hostile, browser):  # noqa: F811
    seen = open_page(browser, hostile["runs"]["10"].html)
    try:
        assert EMPLOYER in seen["text"]
        assert seen["dialogs"] == []
    finally:
        seen["page"].close()


def test_a_hostile_filter_value_reads_literally_in_the_header_parameters(hostile, browser):  # noqa: F811
    run = hostile["runs"]["filtered"]
    assert run.ok, run.error
    seen = open_page(browser, run.html)
    try:
        assert_inert(seen)
        params = seen["page"].inner_text("table.report-params")
        assert f"?department={hostile['department']}" in params
        assert hostile["department"] in seen["title"]
    finally:
        seen["page"].close()


def test_a_failed_run_shows_markup_from_its_error_message_literally(hostile, browser):  # noqa: F811
    run = hostile["runs"]["failed"]
    assert not run.ok
    assert run.error["ename"] == "DatasetError"
    assert FILTER_VALUE in run.error["evalue"]
    seen = open_page(browser, run.html)
    try:
        assert_inert(seen)
        box = seen["page"].inner_text("#report-failure")
        assert "This run failed" in box
        assert "DatasetError: No row of dataset" in box
        assert f"has department in ['{FILTER_VALUE}']" in box
        for label in ["<img src=x onerror=alert(1)>", '"><svg onload=alert(3)>']:
            assert label in box  # the message lists the values the column holds
        assert "datasets.load_dataset(dataset, mapping or None)" in box  # failing cell source
        params = seen["page"].inner_text("table.report-params")
        assert f"?department={FILTER_VALUE}" in params
    finally:
        seen["page"].close()


def test_the_report_markup_holds_the_hostile_text_escaped_only(hostile):
    for key in [*NOTEBOOKS, "filtered", "failed"]:
        page = hostile["runs"][key].html.read_text(encoding="utf-8")
        assert "<script" not in page.lower(), key
        assert "<svg onload" not in page and "<img src=x" not in page, key
        assert 'href="javascript:' not in page.lower(), key
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page, key


# ----------------------------------------------------------------------------- site index


def test_the_site_index_shows_hostile_parameters_and_errors_literally(hostile, browser):  # noqa: F811
    seen = open_page(browser, hostile["reports"] / "index.html")
    try:
        assert_inert(seen, scripts=1)
        assert seen["page"].is_visible("#run-filter")  # the filter script ran under the policy
        assert FILTER_VALUE in seen["text"]
        error_detail = seen["page"].get_attribute("tr.row-failed .detail", "title")
        assert FILTER_VALUE in error_detail
        seen["page"].fill("#run-filter", "alert(7)")
        assert seen["page"].inner_text("#run-count") == f"1 of {len(hostile['runs'])} runs"
        assert seen["dialogs"] == [] and seen["page"].evaluate("window.__alerts") == []
    finally:
        seen["page"].close()


def test_a_plan_page_with_hostile_title_and_values_runs_only_its_filter(tmp_path, browser):  # noqa: F811
    reports = tmp_path / "reports"
    (reports / "_plans").mkdir(parents=True)
    record = {
        "name": "../../escape",
        "title": "<script>alert(8)</script> plan",
        "description": '"><img src=x onerror=alert(9)>',
        "variables": ["employer"],
        "runs": [
            {"notebook_stem": "10_pay_gap", "run_id": "r1", "variables": {"employer": HOSTILE[0]}},
            {"notebook_stem": "10_pay_gap", "run_id": "r2", "variables": {"employer": HOSTILE[3]}},
        ],
    }
    (reports / "_plans" / "councils.json").write_text(json.dumps(record), encoding="utf-8")
    build_index(reports)
    assert not (tmp_path / "escape.html").exists()
    page_path = reports / "_plans" / "councils.html"
    seen = open_page(browser, page_path)
    try:
        assert_inert(seen, scripts=1)
        assert "<script>alert(8)</script> plan" in seen["title"]
        assert '"><img src=x onerror=alert(9)>' in seen["text"]
        assert HOSTILE[0] in seen["tables"] and HOSTILE[3] in seen["tables"]
        seen["page"].fill("#run-filter", "javascript")
        assert seen["page"].inner_text("#run-count") == "1 of 2 runs"
    finally:
        seen["page"].close()


def test_the_site_script_hash_is_computed_from_the_script_it_inlines(tmp_path):
    from research.run.site import _filter_script

    build_index(tmp_path)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    assert script == _filter_script()
    assert f"script-src {source_hash(script)};" in page
    assert page.count("<script") == 1


# ----------------------------------------------------------------------------- policy and guard


def test_the_policy_allows_only_the_given_hashes():
    text = policy(scripts=["a()"], styles=["p{}"])
    assert text.split("; ") == [
        "default-src 'none'",
        f"script-src {source_hash('a()')}",
        f"style-src {source_hash('p{}')}",
        "img-src data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ]
    assert "script-src 'none'" in policy()


def test_add_policy_hashes_head_styles_not_styles_injected_in_the_body():
    page = (
        '<html><head><meta charset="utf-8"><style>p{color:red}</style></head>'
        "<body><style>body{background:url(x)}</style></body></html>"
    )
    out = add_policy(page)
    assert source_hash("p{color:red}") in out
    assert source_hash("body{background:url(x)}") not in out
    assert out.index("Content-Security-Policy") < out.index("<style>")
    with pytest.raises(ValueError, match="already carries"):
        add_policy(out)


def test_scripts_handlers_and_script_urls_are_removed_but_escaped_text_stays_text():
    page = (
        "<html><head></head><body><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
        '<script>alert(2)</script><img src="data:," onerror="alert(3)">'
        '<a href=" JavaScript:alert(4)">x</a><iframe srcdoc="<script>alert(5)</script>"></iframe>'
        '<meta http-equiv="refresh" content="0; url=https://example.org">'
        "</body></html>"
    )
    out = strip_active_content(page)
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>" in out
    assert "alert(2)" not in out and "onerror" not in out
    assert "javascript" not in out.lower() and "iframe" not in out
    assert "refresh" not in out and "example.org" not in out


# ----------------------------------------------------------------------------- spreadsheets


def test_csv_tables_of_a_hostile_run_neutralise_formulas_and_keep_numbers(hostile):
    formulas, numbers = 0, 0
    for key in NOTEBOOKS:
        for path in (hostile["runs"][key].run_dir / "tables").glob("*.csv"):
            with path.open(encoding="utf-8", newline="") as stream:
                for row in csv.DictReader(stream):
                    for value in row.values():
                        assert not value.startswith(("=", "+", "@", "\t", "\r")), (path, value)
                        if value.startswith("'=HYPERLINK"):
                            formulas += 1
            frame = pd.read_csv(path)
            numbers += sum(pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns)
    assert formulas > 0
    assert numbers > 0


def test_every_csv_writer_in_src_goes_through_write_csv():
    """Only ``core.safe_csv.write_csv`` writes CSV: published tables and the private quarantine
    file of ingest alike (a data protection officer opens it in a spreadsheet too)."""
    writers = re.compile(r"\.to_csv\(|csv\.writer\(|csv\.DictWriter\(|\.to_excel\(")
    found = {
        path.relative_to(ROOT / "src").as_posix()
        for path in (ROOT / "src").rglob("*.py")
        if writers.search(path.read_text(encoding="utf-8"))
    }
    # synth.export_extract writes a messy source extract on purpose: an input, not an output
    assert found == {"research/core/safe_csv.py", "research/data/synth.py"}, found
    ingest = (ROOT / "src/research/data/ingest.py").read_text(encoding="utf-8")
    assert "write_csv(result.quarantine" in ingest
