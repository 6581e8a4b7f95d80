"""The report site in a real browser: Debian's Chromium, headless, driven by Playwright.

The site is built from manifests made here (no notebook runs), opened from the file system and
from a static web server; the test searches for a council, narrows by status and date, and
follows links to a report and to a plan page. Playwright never downloads its own browsers: it is
pointed at ``/usr/bin/chromium``, which the session fixture ``chromium`` (conftest.py) installs
with apt-get when absent.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from pathlib import Path

import pytest

from research.run.site import build_index

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
COUNCILS = ["Leeds City Council", "Bristol City Council", "Cornwall Council"]


@pytest.fixture(scope="module")
def browser(chromium):
    """One headless Chromium per test module (the sync API cannot run two Playwrights at once)."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
    )
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=ARGS)
        yield launched
        launched.close()


def write_run(reports: Path, stem: str, run_id: str, started: str, **fields) -> None:
    folder = reports / stem / run_id
    folder.mkdir(parents=True)
    manifest = {
        "run_id": run_id,
        "notebook": f"notebooks/{stem}.ipynb",
        "title": "Council benchmark",
        "parameters": {"dataset": "gpg", "employer": "", "year": "2024-25"},
        "status": "succeeded",
        "error": None,
        "started": started,
        "duration_seconds": 3.2,
        **fields,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    title = manifest["parameters"]["employer"] or stem
    (folder / "report.html").write_text(f"<html><head><title>{title}</title></head></html>")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    reports = tmp_path_factory.mktemp("site") / "reports"
    planned = []
    for day, council in enumerate(COUNCILS, start=20):
        run_id = f"all_councils-{day:010d}"
        failed = council.startswith("Cornwall")
        key = f"key-{day}"
        write_run(
            reports,
            "60_council_benchmark",
            run_id,
            f"2026-11-{day}T09:00:00+00:00",
            parameters={"dataset": "gpg", "employer": council, "year": "2024-25"},
            status="failed" if failed else "succeeded",
            error={"ename": "ValueError", "evalue": "no submission"} if failed else None,
            plan={"name": "all_councils", "key": key, "variables": {"employer": council}},
        )
        planned.append(
            {
                "notebook_stem": "60_council_benchmark",
                "run_id": run_id,
                "variables": {"employer": council},
                "key": key,
            }
        )
    planned.append(
        {
            "notebook_stem": "60_council_benchmark",
            "run_id": "all_councils-never",
            "variables": {"employer": "Wyre Council"},
            "key": "x",
        }
    )
    write_run(reports, "00_data_audit", "20261101T080000-abcdef12", "2026-11-01T08:00:00+00:00")
    (reports / "_plans").mkdir()
    (reports / "_plans" / "all_councils.json").write_text(
        json.dumps(
            {
                "name": "all_councils",
                "title": "Every council",
                "variables": ["employer"],
                "runs": planned,
            }
        )
    )
    build_index(reports)
    return reports


def visible_rows(page) -> list[str]:
    return [row.inner_text() for row in page.locator("tr[data-search]:visible").all()]


def test_search_for_a_council_and_follow_its_report_link(browser, site):
    page = browser.new_page()
    page.goto((site / "index.html").as_uri())
    assert len(visible_rows(page)) == 4
    page.fill("#run-filter", "leeds")
    rows = visible_rows(page)
    assert len(rows) == 1 and "Leeds City Council" in rows[0]
    assert page.inner_text("#run-count") == "1 of 4 runs"
    page.locator("tr[data-search]:visible a", has_text="report").click()
    page.wait_for_load_state()
    assert page.url.endswith("/report.html") and page.title() == "Leeds City Council"
    page.close()


def test_status_plan_and_date_filters(browser, site):
    page = browser.new_page()
    page.goto((site / "index.html").as_uri())
    page.select_option("#status-filter", "failed")
    assert [("Cornwall" in r) for r in visible_rows(page)] == [True]
    page.select_option("#status-filter", "")
    page.select_option("#plan-filter", "-")  # single runs only
    assert len(visible_rows(page)) == 1 and "00_data_audit" in page.inner_text("main")
    page.select_option("#plan-filter", "all_councils")
    page.fill("#date-from", "2026-11-21")
    rows = visible_rows(page)
    assert len(rows) == 2 and not any("Leeds" in r for r in rows)
    page.fill("#run-filter", "nothing-like-this")
    assert visible_rows(page) == [] and page.is_visible("#no-match")
    page.close()


def test_plan_page_over_a_static_web_server(browser, site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        page = browser.new_page()
        requests = []
        page.on("request", lambda request: requests.append(request.url))
        base = f"http://127.0.0.1:{server.server_port}/"
        page.goto(base + "index.html#q=bristol")
        assert [("Bristol" in r) for r in visible_rows(page)] == [True]
        page.click("#plans a")
        page.wait_for_load_state()
        assert page.url.endswith("/_plans/all_councils.html")
        rows = visible_rows(page)
        assert len(rows) == 4
        assert "not run" in rows[-1] and "Wyre Council" in rows[-1]
        page.fill("#run-filter", "cornwall")
        assert len(visible_rows(page)) == 1
        page.locator("tr[data-search]:visible a", has_text="manifest").click()
        page.wait_for_load_state()
        assert page.url.endswith("/manifest.json") and "Cornwall Council" in page.content()
        assert all(url.startswith(base) for url in requests), requests  # nothing external
        page.close()
    finally:
        server.shutdown()


def test_the_filter_runs_under_the_pages_content_security_policy(browser, site):
    """The index and plan pages allow only their own filter script (by hash): it runs, and the
    browser reports no policy violation (script, style or image)."""
    for path in (site / "index.html", site / "_plans" / "all_councils.html"):
        page = browser.new_page()
        console = []
        page.on("console", lambda message, seen=console: seen.append(message.text))
        page.add_init_script(
            "window.__violations = [];"
            "document.addEventListener('securitypolicyviolation',"
            " e => window.__violations.push(e.violatedDirective));"
        )
        page.goto(path.as_uri())
        policy = page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content")
        assert "script-src 'sha256-" in policy and "default-src 'none'" in policy
        page.fill("#run-filter", "cornwall")
        assert len(visible_rows(page)) == 1
        assert page.evaluate("window.__violations") == [] and console == []
        page.close()
