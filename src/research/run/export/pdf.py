"""Print a run's report to PDF: A4, page numbers, tagged, through headless Chromium.

:func:`print_pdf` opens ``<run>/report.html`` from the file system in headless Chromium (Debian's
``/usr/bin/chromium``, or ``RESEARCH_CHROMIUM``), driven by Playwright, and prints it with the
report's print stylesheet (``@media print`` in ``templates/report/report.css``: A4 margins,
tables that wrap instead of running off the page, rows never split across pages, headings kept
with what follows) to ``<run>/report.pdf``:

- A4 (595 x 842 points: the stylesheet's ``@page { size: A4 }``, which Chromium follows more
  closely than Playwright's ``format="A4"`` of 8.27 x 11.7 inches), with a footer "Page N of M" and the report's title on every page;
- a tagged PDF (``tagged=True``: Chromium writes the structure tree, ``/StructTreeRoot``, so that
  a screen reader can follow headings, lists and tables) with a document outline from the
  headings (``outline=True``);
- the page is offline already (no script, images embedded), so nothing is fetched.

Every problem is one line (:class:`PdfError`): no such run folder, no ``report.html`` in it, no
Chromium, Playwright missing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PDF_NAME = "report.pdf"
REPORT_NAME = "report.html"

MARGIN = {"top": "16mm", "right": "14mm", "bottom": "18mm", "left": "14mm"}
"""Page margins (the bottom one holds the footer); the print stylesheet's ``@page`` agrees."""

FOOTER = (
    '<div style="width:100%;margin:0 14mm;font-family:Arial,Helvetica,sans-serif;'
    'font-size:9pt;color:#333;display:flex;justify-content:space-between;">'
    '<span class="title"></span>'
    '<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span>'
    "</div>"
)
"""Footer on every page: the report's title and "Page N of M" (Chromium fills the spans)."""


class PdfError(RuntimeError):
    """The PDF cannot be made; the message is one line saying why and what to do."""


def find_chromium() -> Path:
    """Chromium's executable: ``RESEARCH_CHROMIUM`` when set, else the first one installed."""
    configured = os.environ.get("RESEARCH_CHROMIUM")
    if configured:
        if Path(configured).is_file():
            return Path(configured)
        raise PdfError(f"RESEARCH_CHROMIUM is {configured}, which is not a file.")
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return Path(found)
    raise PdfError(
        "no Chromium found: install it (apt-get install chromium) or set RESEARCH_CHROMIUM "
        "to its executable."
    )


def print_pdf(run_dir: str | os.PathLike[str], out: str | os.PathLike[str] | None = None) -> Path:
    """Print ``<run_dir>/report.html`` to an A4, tagged PDF with page numbers.

    Parameters
    ----------
    run_dir
        A run folder, ``reports/<notebook>/<run-id>``, holding ``report.html``.
    out
        Where to write the PDF (default ``<run_dir>/report.pdf``).

    Returns
    -------
    Path
        The PDF written.

    Raises
    ------
    PdfError
        No such folder, no report in it, no Chromium or no Playwright (one-line messages).
    """
    folder = Path(run_dir)
    if not folder.is_dir():
        raise PdfError(f"no such run folder: {folder} (give reports/<notebook>/<run-id>).")
    report = folder / REPORT_NAME
    if not report.is_file():
        raise PdfError(f"{folder} has no {REPORT_NAME}: give a run folder that holds a report.")
    chromium = find_chromium()
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        raise PdfError(
            "Playwright is not installed: run make setup (or install playwright)."
        ) from err
    target = Path(out) if out else folder / PDF_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.goto(report.resolve().as_uri(), wait_until="load")
                page.emulate_media(media="print")
                page.pdf(
                    path=str(temporary),
                    format="A4",
                    prefer_css_page_size=True,  # @page { size: A4 }: 595 x 842 pt
                    margin=MARGIN,
                    display_header_footer=True,
                    header_template="<span></span>",
                    footer_template=FOOTER,
                    print_background=True,
                    tagged=True,
                    outline=True,
                )
            finally:
                browser.close()
        temporary.replace(target)
    except PlaywrightError as err:
        temporary.unlink(missing_ok=True)
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise PdfError(f"Chromium could not print {report}: {first}") from err
    return target
