"""Facts the report header, failure box and appendix show, read from the manifest and notebook."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from nbformat import NotebookNode

from research.run.export.failure import FailureInfo, run_status
from research.run.export.formatting import (
    format_bytes,
    format_duration,
    format_timestamp,
    format_value,
)
from research.run.export.toc import notebook_title, report_heading

SHORT_SHA = 12

SITE_ROOT = "../../"
"""From a report (``reports/<notebook>/<run-id>/report.html``) back to the site's root, where the
index and the accessibility statement are."""


def _parameters(nb: NotebookNode, manifest: Mapping[str, Any]) -> dict[str, Any]:
    """Run parameters: the manifest's, else the ones papermill recorded in the notebook."""
    params = manifest.get("parameters")
    if isinstance(params, Mapping):
        return dict(params)
    recorded = nb.metadata.get("papermill", {}).get("parameters", {})
    return dict(recorded) if isinstance(recorded, Mapping) else {}


def _inputs(manifest: Mapping[str, Any]) -> list[dict[str, str]]:
    """Input files for the appendix, with shortened SHA-256."""
    rows = []
    for item in manifest.get("inputs") or []:
        if not isinstance(item, Mapping):
            continue
        sha = str(item.get("sha256") or "")
        rows.append(
            {
                "path": str(item.get("path") or ""),
                "size": format_bytes(item.get("bytes")),
                "sha256": sha,
                "sha_short": sha[:SHORT_SHA],
            }
        )
    return rows


def _git(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """Git commit (full and short) and a human description of the dirty flag."""
    git = manifest.get("git")
    git = git if isinstance(git, Mapping) else {}
    commit = str(git.get("commit") or "")
    dirty = git.get("dirty")
    state = {True: "uncommitted changes", False: "clean"}.get(dirty, "") if commit else ""
    return {"commit": commit, "short": commit[:SHORT_SHA], "dirty": dirty, "state": state}


def _output_links(manifest: Mapping[str, Any]) -> list[dict[str, str]]:
    """Relative links to the run's tables and figures (the report sits in the run folder)."""
    outputs = manifest.get("outputs")
    outputs = outputs if isinstance(outputs, Mapping) else {}
    links = []
    for key in ("spreadsheet", "pdf"):  # the run's spreadsheet (report.xlsx) and PDF, if any
        if isinstance(outputs.get(key), str):
            links.append({"text": outputs[key], "href": quote(outputs[key])})
    for folder in ("tables", "figures"):
        for name in outputs.get(folder) or []:
            path = f"{folder}/{name}"
            links.append({"text": path, "href": quote(path)})
    return links


def build_context(
    nb: NotebookNode, manifest: Mapping[str, Any], failure: FailureInfo | None
) -> dict[str, Any]:
    """Everything the template's header, failure box and appendix display.

    Parameters
    ----------
    nb
        The executed notebook (before preprocessing).
    manifest
        The run manifest; missing fields are shown as unknown.
    failure
        Failure details, or ``None`` for a successful run.

    Returns
    -------
    dict
        Plain strings, lists and dicts, ready for the template (which escapes them).
    """
    params = _parameters(nb, manifest)
    finished = manifest.get("finished") or manifest.get("started")
    status = run_status(nb, manifest)
    packages = manifest.get("packages")
    packages = packages if isinstance(packages, Mapping) else {}
    title = (
        report_heading(nb)
        or manifest.get("title")
        or notebook_title(nb)
        or manifest.get("notebook_stem")
    )
    return {
        "title": str(title or "Report"),
        "notebook": str(manifest.get("notebook") or ""),
        "run_id": str(manifest.get("run_id") or ""),
        "dataset": format_value(params["dataset"]) if "dataset" in params else "",
        "parameters": [{"name": str(k), "value": format_value(v)} for k, v in params.items()],
        "run_date": format_timestamp(finished),
        "run_date_iso": str(finished or ""),
        "status": status,
        "status_class": re.sub(r"[^a-z0-9-]", "", status.lower()) or "unknown",
        "failure": failure,
        "inputs": _inputs(manifest),
        "git": _git(manifest),
        "python": str(manifest.get("python") or ""),
        "platform": str(manifest.get("platform") or ""),
        "packages": [{"name": str(k), "version": str(v)} for k, v in sorted(packages.items())],
        "started": format_timestamp(manifest.get("started")),
        "finished": format_timestamp(manifest.get("finished")),
        "duration": format_duration(manifest.get("duration_seconds")),
        "seed": "" if manifest.get("seed") is None else format_value(manifest.get("seed")),
        "command": str(manifest.get("command") or ""),
        "outputs": _output_links(manifest),
        "accessibility_href": SITE_ROOT + "accessibility.html",
        "index_href": SITE_ROOT + "index.html",
    }
