"""The failing cell of a failed run: where papermill stopped, and what the report says about it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nbconvert.filters import strip_ansi
from nbformat import NotebookNode

PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"


def is_papermill_marker(cell: Mapping[str, Any]) -> bool:
    """Whether ``cell`` is one of papermill's red "An Exception was encountered" cells.

    Parameters
    ----------
    cell
        A notebook cell.

    Returns
    -------
    bool
        ``True`` for papermill's error banner and error anchor markdown cells.
    """
    if PAPERMILL_ERROR_TAG in cell.get("metadata", {}).get("tags", []):
        return True
    source = cell.get("source", "")
    return (
        cell.get("cell_type") == "markdown"
        and source.lstrip().startswith("<span")
        and "papermill-error-cell" in source
    )


def _error_output(cell: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """Return the first error output of ``cell`` that is not a clean ``sys.exit()``."""
    for output in cell.get("outputs", []):
        if output.get("output_type") != "error":
            continue
        if output.get("ename") == "SystemExit" and str(output.get("evalue", "")) in ("", "0"):
            continue
        return output
    return None


def find_failing_cell(nb: NotebookNode) -> int | None:
    """Position in ``nb.cells`` of the first code cell that raised, as papermill sees it.

    Parameters
    ----------
    nb
        An executed notebook.

    Returns
    -------
    int or None
        The index into ``nb.cells`` (papermill marker cells included), or ``None``.
    """
    for position, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        raised = cell.get("metadata", {}).get("papermill", {}).get("exception") is True
        if _error_output(cell) is not None or raised:
            return position
    return None


@dataclass(frozen=True)
class FailureInfo:
    """What the report says about a failed run.

    Attributes
    ----------
    cell_index : int or None
        Index of the failing cell in the notebook as papermill counts it (0-based, without
        papermill's own marker cells).
    execution_count : int or None
        The ``In [n]`` number of the failing cell.
    ename, evalue : str
        Exception type and message.
    source : str
        Source code of the failing cell.
    traceback : str
        Traceback with ANSI colour codes removed (may be empty).
    """

    cell_index: int | None
    execution_count: int | None
    ename: str
    evalue: str
    source: str
    traceback: str


def _cell_error_facts(nb: NotebookNode) -> dict[str, Any]:
    """Failure facts read from the notebook itself (empty when no cell raised)."""
    position = find_failing_cell(nb)
    if position is None:
        return {}
    cell = nb.cells[position]
    output = _error_output(cell) or {}
    return {
        "cell_index": sum(1 for c in nb.cells[:position] if not is_papermill_marker(c)),
        "execution_count": cell.get("execution_count"),
        "ename": output.get("ename"),
        "evalue": output.get("evalue"),
        "source": cell.get("source"),
        "traceback": "\n".join(strip_ansi(str(line)) for line in output.get("traceback", [])),
    }


def _first_present(*values: Any) -> Any:
    """Return the first value that is neither ``None`` nor an empty string."""
    return next((v for v in values if v is not None and v != ""), None)


def run_status(nb: NotebookNode, manifest: Mapping[str, Any]) -> str:
    """Status of a run: the manifest's, else ``failed`` when a cell raised, else ``succeeded``.

    Parameters
    ----------
    nb
        The executed notebook.
    manifest
        The run manifest (may be empty).

    Returns
    -------
    str
        Run status.
    """
    status = manifest.get("status")
    if isinstance(status, str) and status:
        return status
    return "failed" if find_failing_cell(nb) is not None else "succeeded"


def describe_failure(nb: NotebookNode, manifest: Mapping[str, Any]) -> FailureInfo | None:
    """Collect what went wrong in a failed run.

    The manifest's ``error`` entry wins; the notebook fills the gaps (and is the only source of
    the traceback).

    Parameters
    ----------
    nb
        The executed notebook, as papermill wrote it.
    manifest
        The run manifest.

    Returns
    -------
    FailureInfo or None
        ``None`` when the run did not fail.
    """
    if run_status(nb, manifest) != "failed":
        return None
    recorded = manifest.get("error")
    recorded = recorded if isinstance(recorded, Mapping) else {}
    found = _cell_error_facts(nb)

    def pick(key: str) -> Any:
        return _first_present(recorded.get(key), found.get(key))

    ename = pick("ename") or "Unknown error"
    evalue = pick("evalue")
    if evalue is None and not found and not recorded:
        evalue = "The run was marked as failed, but no error details were recorded."
    return FailureInfo(
        cell_index=pick("cell_index"),
        execution_count=pick("execution_count"),
        ename=strip_ansi(str(ename)),
        evalue=strip_ansi(str(evalue or "")),
        source=str(pick("source") or ""),
        traceback=strip_ansi(str(found.get("traceback") or recorded.get("traceback") or "")),
    )
