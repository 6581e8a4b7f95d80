"""Export an executed notebook to a self-contained, offline HTML report.

The package splits the export by concern: :mod:`~research.run.export.html` (the nbconvert exporter,
its preprocessors and :func:`notebook_to_html`), :mod:`~research.run.export.context` (the header and
appendix facts from the manifest), :mod:`~research.run.export.failure` (the failing cell),
:mod:`~research.run.export.toc` (title and table of contents), :mod:`~research.run.export.tables`
(numeric columns), :mod:`~research.run.export.offline` (the offline guard and the removal of
scripts), :mod:`~research.run.export.csp` (the Content-Security-Policy),
:mod:`~research.run.export.formatting` (display text) and :mod:`~research.run.export.files`
(atomic writes). The names below are the public interface.
"""

from research.run.export.context import build_context
from research.run.export.csp import add_policy, policy, source_hash
from research.run.export.failure import (
    FailureInfo,
    describe_failure,
    find_failing_cell,
    is_papermill_marker,
    run_status,
)
from research.run.export.files import write_atomically
from research.run.export.formatting import (
    format_bytes,
    format_duration,
    format_timestamp,
    format_value,
    parse_timestamp,
)
from research.run.export.html import (
    DISPLAY_PRIORITY,
    TEMPLATES_DIR,
    make_exporter,
    notebook_to_html,
    render_report,
)
from research.run.export.offline import enforce_offline, is_external, strip_active_content
from research.run.export.tables import mark_numeric_cells
from research.run.export.toc import Heading, markdown_headings, nest_headings, notebook_title

__all__ = [
    "DISPLAY_PRIORITY",
    "TEMPLATES_DIR",
    "FailureInfo",
    "Heading",
    "add_policy",
    "build_context",
    "describe_failure",
    "enforce_offline",
    "find_failing_cell",
    "format_bytes",
    "format_duration",
    "format_timestamp",
    "format_value",
    "is_external",
    "is_papermill_marker",
    "make_exporter",
    "mark_numeric_cells",
    "markdown_headings",
    "nest_headings",
    "notebook_title",
    "notebook_to_html",
    "parse_timestamp",
    "policy",
    "render_report",
    "run_status",
    "source_hash",
    "strip_active_content",
    "write_atomically",
]
