"""Index page of all runs: ``reports/index.html``.

Every run folder ``reports/<notebook-stem>/<run-id>/`` holds a ``manifest.json`` (see
:mod:`research.run.export` for the report itself). :func:`list_runs` reads them all into a
:class:`pandas.DataFrame`; :func:`build_index` renders that table as a single offline page:
runs grouped by notebook, newest first, with relative links to each ``report.html`` and
``manifest.json``, the plan each batch run belongs to, and an inline filter (words matched against
parameter values, titles and run ids; status; plan; start date from/to). Batch plans
(:mod:`research.run.batch`) leave ``reports/_plans/<plan>.json``; each gets a page
``reports/_plans/<plan>.html`` with its summary table: one row per planned run, one column per plan
variable, status (``not run`` when never executed), duration and links. The pages have no
external resources and work from ``file://`` and from any static web server.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
import pandas as pd

from research.run.export import (
    TEMPLATES_DIR,
    add_policy,
    format_duration,
    format_timestamp,
    format_value,
    parse_timestamp,
    write_atomically,
)
from research.run.manifest import FILE_NAME as MANIFEST_NAME
from research.run.manifest import effective_status, read_lenient

__all__ = ["COLUMNS", "build_index", "list_runs", "read_manifest", "render_plan"]

REPORT_NAME = "report.html"
SPREADSHEET_NAME = "report.xlsx"
PDF_NAME = "report.pdf"
INDEX_NAME = "index.html"
ACCESSIBILITY_NAME = "accessibility.html"
"""The site's accessibility statement, linked from the index and from every report's footer."""
UNREADABLE = "unreadable"

COLUMNS = [
    "notebook_stem",
    "run_id",
    "title",
    "notebook",
    "dataset",
    "parameters",
    "parameters_text",
    "status",
    "error",
    "started",
    "finished",
    "duration_seconds",
    "command",
    "run_dir",
    "manifest_href",
    "report_href",
    "spreadsheet_href",
    "pdf_href",
    "problem",
    "plan",
]
"""Columns of :func:`list_runs`.

``parameters`` is a dict, ``parameters_text`` the parameters other than ``dataset`` as
``name=value`` pairs; ``started``/``finished`` are UTC timestamps (``NaT`` when unknown);
``manifest_href`` and ``report_href`` are URL paths relative to the reports folder
(``report_href`` is ``None`` when the run has no ``report.html``, ``spreadsheet_href`` and
``pdf_href`` when it has no ``report.xlsx`` or ``report.pdf``); ``problem`` says why a
manifest is ``unreadable``; ``plan`` is the batch plan's name (``""`` for single runs).
"""

PLANS_DIR = "_plans"
NOT_RUN = "not run"

_RUN_ID_TIME = re.compile(r"^(\d{8}T\d{6})")


def read_manifest(path: Path) -> tuple[dict[str, Any], str | None]:
    """Read one ``manifest.json`` without ever raising (:func:`research.run.manifest.read_lenient`).

    Parameters
    ----------
    path
        The manifest file.

    Returns
    -------
    tuple of (dict, str or None)
        The manifest (possibly partial, ``{}`` when unreadable) and the reason it cannot be
        trusted, or ``None`` when it is complete.
    """
    return read_lenient(path)


def _href(*parts: str) -> str:
    """A relative URL path from path segments (each one percent-encoded)."""
    return "/".join(quote(part) for part in parts)


def _timestamp(value: Any) -> pd.Timestamp:
    """A UTC :class:`pandas.Timestamp` from an ISO string, ``NaT`` when unknown."""
    moment = parse_timestamp(value)
    return pd.Timestamp(moment) if moment is not None else pd.NaT


def _run_id_time(run_id: str) -> pd.Timestamp:
    """The time encoded at the start of a run id (``20261124T101500-...``), else ``NaT``."""
    match = _RUN_ID_TIME.match(run_id)
    if not match:
        return pd.NaT
    try:
        return pd.Timestamp(datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC))
    except ValueError:
        return pd.NaT


def _parameters_text(params: Mapping[str, Any]) -> str:
    """Parameters other than ``dataset`` as ``name=value`` pairs."""
    return ", ".join(f"{k}={format_value(v)}" for k, v in params.items() if k != "dataset")


def _error_text(error: Any) -> str:
    """``ename: evalue`` of a failed run's error entry."""
    if not isinstance(error, Mapping):
        return ""
    parts = [str(error.get("ename") or ""), str(error.get("evalue") or "")]
    return ": ".join(part for part in parts if part)


def _duration(value: Any) -> float:
    """Duration in seconds as a float (``NaN`` when unknown)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return float("nan")
    return float(value)


def _run_record(manifest_path: Path, reports_dir: Path) -> dict[str, Any]:
    """One row of :func:`list_runs` for one manifest file."""
    run_dir = manifest_path.parent
    stem, run_name = run_dir.parent.name, run_dir.name
    data, problem = read_manifest(manifest_path)
    params = data.get("parameters")
    params = params if isinstance(params, Mapping) else {}
    status = UNREADABLE if problem else effective_status(data)  # running, process gone: interrupted
    report = run_dir / REPORT_NAME
    plan = data.get("plan")
    return {
        "notebook_stem": stem,
        "run_id": str(data.get("run_id") or run_name),
        "title": str(data.get("title") or ""),
        "notebook": str(data.get("notebook") or ""),
        "dataset": format_value(params["dataset"]) if "dataset" in params else "",
        "parameters": dict(params),
        "parameters_text": _parameters_text(params),
        "status": status,
        "error": _error_text(data.get("error")),
        "started": _timestamp(data.get("started")),
        "finished": _timestamp(data.get("finished")),
        "duration_seconds": _duration(data.get("duration_seconds")),
        "command": str(data.get("command") or ""),
        "run_dir": str(run_dir.relative_to(reports_dir).as_posix()),
        "manifest_href": _href(stem, run_name, MANIFEST_NAME),
        "report_href": _href(stem, run_name, REPORT_NAME) if report.is_file() else None,
        "spreadsheet_href": (
            _href(stem, run_name, SPREADSHEET_NAME)
            if (run_dir / SPREADSHEET_NAME).is_file()
            else None
        ),
        "pdf_href": _href(stem, run_name, PDF_NAME) if (run_dir / PDF_NAME).is_file() else None,
        "problem": problem,
        "plan": str(plan.get("name") or "") if isinstance(plan, Mapping) else "",
    }


def _manifest_paths(reports_dir: Path) -> list[Path]:
    """``reports/*/*/manifest.json``, ignoring hidden and underscore folders."""
    return [
        path
        for path in sorted(reports_dir.glob(f"*/*/{MANIFEST_NAME}"))
        if not any(part.startswith((".", "_")) for part in path.relative_to(reports_dir).parts)
    ]


def list_runs(reports_dir: str | os.PathLike[str]) -> pd.DataFrame:
    """All runs under ``reports_dir``, newest first.

    Parameters
    ----------
    reports_dir
        The reports folder (``reports/``), holding ``<notebook-stem>/<run-id>/manifest.json``.

    Returns
    -------
    pandas.DataFrame
        One row per manifest with the :data:`COLUMNS`. Unreadable or partial manifests are
        kept, with status ``"unreadable"`` and the reason in ``problem``. Rows are sorted by
        start time (falling back on the time in the run id), newest first.
    """
    reports_dir = Path(reports_dir)
    records = [_run_record(path, reports_dir) for path in _manifest_paths(reports_dir)]
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    if frame.empty:
        return frame
    order = frame["started"].where(frame["started"].notna(), frame["run_id"].map(_run_id_time))
    frame = frame.assign(_order=pd.to_datetime(order, utc=True))
    frame = frame.sort_values(
        ["_order", "run_id"], ascending=[False, False], na_position="last", kind="stable"
    )
    return frame.drop(columns="_order").reset_index(drop=True)


# ----------------------------------------------------------------------------- page


def _status_class(status: str) -> str:
    """CSS class suffix for a status."""
    return re.sub(r"[^a-z0-9-]", "", status.lower()) or "unknown"


def _search_text(row: Mapping[str, Any]) -> str:
    """Everything the filter box matches against, lower-cased."""
    params = " ".join(f"{k}={format_value(v)}" for k, v in row["parameters"].items())
    fields = [
        row["notebook_stem"],
        row["notebook"],
        row["title"],
        row["run_id"],
        row["status"],
        row["error"],
        row["problem"],
        row.get("plan", ""),
        params,
        row["started_text"],
    ]
    return " ".join(str(field) for field in fields if field).lower()


def _text(value: Any) -> str:
    """A display string; missing values (``None``, ``NaN``, ``NA``) become ``""``."""
    if value is None or (not isinstance(value, list | dict | tuple) and pd.isna(value)):
        return ""
    return str(value)


def _row_view(row: Mapping[str, Any]) -> dict[str, Any]:
    """Display values of one run."""
    started = row["started"]
    view = {k: v if k == "parameters" else _text(v) for k, v in row.items()}
    view["started_text"] = "" if pd.isna(started) else format_timestamp(started.isoformat())
    view["started_iso"] = "" if pd.isna(started) else started.isoformat()
    view["date"] = "" if pd.isna(started) else f"{started:%Y-%m-%d}"
    view["plan_href"] = _href(PLANS_DIR, f"{view['plan']}.html") if view.get("plan") else ""
    view["duration_text"] = format_duration(row["duration_seconds"])
    view["status_class"] = _status_class(row["status"])
    view["search"] = _search_text(view)
    return view


def _groups(runs: pd.DataFrame) -> list[dict[str, Any]]:
    """Runs grouped by notebook (alphabetical), newest run first inside each group."""
    groups = []
    for stem, frame in runs.groupby("notebook_stem", sort=True):
        rows = [_row_view(row) for row in frame.to_dict("records")]
        titled = next((r for r in rows if r["title"]), rows[0])
        groups.append(
            {
                "stem": str(stem),
                "anchor": "nb-" + re.sub(r"[^A-Za-z0-9_-]", "-", str(stem)),
                "title": titled["title"],
                "notebook": next((r["notebook"] for r in rows if r["notebook"]), ""),
                "latest": rows[0],
                "runs": rows,
            }
        )
    return groups


def _summary(runs: pd.DataFrame) -> dict[str, Any]:
    """Counts shown above the table."""
    counts = runs["status"].value_counts().to_dict() if not runs.empty else {}
    return {
        "runs": len(runs),
        "notebooks": runs["notebook_stem"].nunique() if not runs.empty else 0,
        "by_status": [
            {"status": status, "count": count, "class": _status_class(status)}
            for status, count in sorted(counts.items())
        ],
        "generated": format_timestamp(datetime.now(UTC).isoformat()),
    }


FILTER_SCRIPT = "filter.js"
"""The site's only script, inlined in each page and allowed by its hash in the page's policy."""


def _filter_script() -> str:
    """Text of the filter script as the pages inline it (the CSP hash is computed from it)."""
    text = (TEMPLATES_DIR / "site" / FILTER_SCRIPT).read_text(encoding="utf-8")
    if "</script" in text.lower():
        raise ValueError(f"{FILTER_SCRIPT} must not contain '</script' (it is inlined).")
    return "\n" + text.strip("\n") + "\n"


def _render(name: str, **context: Any) -> str:
    """Render a site template with the filter script inlined and a Content-Security-Policy.

    Everything from manifests and plans is escaped by the autoescaping environment; the script
    is the one value inserted as markup, and the policy allows it by its sha256 hash only.
    """
    script = _filter_script()
    template = _environment().get_template(name)
    html = template.render(filter_script=script, **context)
    return add_policy(html, scripts=[script])


def _environment() -> jinja2.Environment:
    """Jinja environment for the site template (autoescaping on)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "site"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
    )


def _plan_records(reports_dir: Path) -> list[dict[str, Any]]:
    """The ``_plans/*.json`` records written by batch runs (unreadable ones skipped)."""
    records = []
    for path in sorted((reports_dir / PLANS_DIR).glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and isinstance(data.get("runs"), list):
            data["name"] = path.stem  # the file's own name: a recorded one could hold "../"
            records.append(data)
    return records


def _plan_view(record: Mapping[str, Any], runs: pd.DataFrame, prefix: str) -> dict[str, Any]:
    """One plan: its runs joined with their manifests, and status counts."""
    by_id = {(r["notebook_stem"], r["run_id"]): r for r in runs.to_dict("records")}
    variables = [str(v) for v in record.get("variables") or []]
    rows = []
    for planned in record["runs"]:
        stem, run_id = str(planned.get("notebook_stem")), str(planned.get("run_id"))
        found = by_id.get((stem, run_id))
        values = planned.get("variables") or {}
        if found is not None:
            view = _row_view(found)
            if found["status"] == "succeeded" and (
                (found.get("_key") or planned.get("key")) != planned.get("key")
            ):
                view["status"] = "stale"
        else:
            view = {
                "notebook_stem": stem,
                "run_id": run_id,
                "status": NOT_RUN,
                "error": "",
                "problem": "",
                "duration_text": "",
                "started_text": "",
                "started_iso": "",
                "date": "",
                "report_href": "",
                "manifest_href": "",
                "title": "",
                "parameters_text": "",
            }
        view["status_class"] = _status_class(view["status"])
        view["values"] = [format_value(values.get(v, "")) for v in variables]
        view["report_href"] = prefix + view["report_href"] if view["report_href"] else ""
        view["manifest_href"] = prefix + view["manifest_href"] if view["manifest_href"] else ""
        text = " ".join([stem, run_id, view["status"], *view["values"], view["error"]])
        view["search"] = text.lower()
        rows.append(view)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    name = str(record["name"])
    return {
        "name": name,
        "title": str(record.get("title") or name),
        "description": str(record.get("description") or ""),
        "file": str(record.get("file") or ""),
        "variables": variables,
        "rows": rows,
        "href": _href(PLANS_DIR, f"{name}.html"),
        "notebooks": sorted({r["notebook_stem"] for r in rows}),
        "by_status": [
            {"status": k, "count": v, "class": _status_class(k)} for k, v in sorted(counts.items())
        ],
        "total": len(rows),
    }


def render_index(runs: pd.DataFrame, plans: list[dict[str, Any]] | None = None) -> str:
    """Render the index page for a table of runs (as returned by :func:`list_runs`).

    Parameters
    ----------
    runs
        The runs.
    plans
        Plan views (from the ``_plans`` records), listed above the runs.

    Returns
    -------
    str
        A complete, offline HTML page.
    """
    statuses = sorted(set(runs["status"])) if not runs.empty else []
    return _render(
        "index.html.j2",
        groups=_groups(runs),
        summary=_summary(runs),
        plans=plans or [],
        plan_pages={p["name"] for p in plans or []},
        plan_names=sorted({p for p in runs.get("plan", []) if p}),
        statuses=statuses,
    )


def render_plan(plan: dict[str, Any]) -> str:
    """Render the page of one plan (a view from the plan record and the runs)."""
    statuses = sorted({row["status"] for row in plan["rows"]})
    return _render(
        "plan.html.j2",
        plan=plan,
        statuses=statuses,
        generated=format_timestamp(datetime.now(UTC).isoformat()),
    )


def _keys(reports_dir: Path, runs: pd.DataFrame) -> pd.DataFrame:
    """Add the batch key recorded in each batch run's manifest (to spot stale runs)."""
    keys = []
    for row in runs.itertuples():
        key = None
        if row.plan:
            data, _ = read_manifest(reports_dir / row.run_dir / MANIFEST_NAME)
            key = (data.get("plan") or {}).get("key")
        keys.append(key)
    return runs.assign(_key=keys)


def build_index(reports_dir: str | os.PathLike[str]) -> Path:
    """Write ``reports_dir/index.html`` listing every run, a page per batch plan, and the
    accessibility statement ``reports_dir/accessibility.html``.

    Parameters
    ----------
    reports_dir
        The reports folder; created when missing.

    Returns
    -------
    Path
        The index page.
    """
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    runs = list_runs(reports_dir)
    plans = []
    records = _plan_records(reports_dir)
    if records:
        keyed = _keys(reports_dir, runs)
        for record in records:
            plan = _plan_view(record, keyed, "../")
            write_atomically(reports_dir / PLANS_DIR / f"{plan['name']}.html", render_plan(plan))
            plans.append(plan)
    out = reports_dir / INDEX_NAME
    write_atomically(out, render_index(runs, plans))
    write_atomically(reports_dir / ACCESSIBILITY_NAME, render_accessibility())
    return out


def render_accessibility() -> str:
    """The accessibility statement (a static page with the date it was built)."""
    generated = format_timestamp(datetime.now(UTC).isoformat())
    return _render("accessibility.html.j2", generated=generated)
