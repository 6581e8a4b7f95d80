"""Batch plans: many runs of one or more notebooks over a parameter grid, described in YAML.

A plan names notebooks and the parameter values to run them with::

    name: cincinnati_by_family          # default: the file name
    title: Pay gap and segregation by job family, City of Cincinnati
    notebooks:
      - notebooks/10_pay_gap.ipynb
      - path: notebooks/20_segregation.ipynb
        parameters: {n_boot: 200}      # only for this notebook
    parameters:                         # every run; strings may use {variable} or {variable|url}
      dataset: "cincinnati?job_family={job_family|url}"
      n_boot: 200
    grid:                               # every combination (a product) of these variables
      job_family: {from: dataset, dataset: cincinnati, column: job_family, min_rows: 30}
    rows:                               # explicit rows, each combined with the grid
      - {min_cell: 5}
      - {min_cell: 10}
    timeout: 900                        # seconds per run (default: none)

Variables come from ``grid`` (lists, or values drawn from a source) and ``rows``. A variable that
no parameter template mentions is passed to the notebook as a parameter of the same name; one that
a template uses (``{job_family}``, or ``{job_family|url}`` URL-encoded for a dataset filter) is not.
Sources of values (``from:``), each with optional ``limit: N`` and ``exclude: [...]``:

``dataset``
    distinct values of a canonical column of a dataset (``dataset``, ``column``, ``min_rows``),
    sorted; e.g. every job family of the Cincinnati extract.
``callable``
    a function of the ``research`` package registered as a plan source with :func:`plan_source`
    (``callable: "research.module:function"``, ``kwargs``); e.g. every council in the GOV.UK panel
    for a year (``research.run.batch:gpg_councils``). A plan is a file that may come from
    elsewhere, so any other name (``os:system``, ``builtins:eval``, ``subprocess:run``, a
    ``research`` function that is not a plan source) is refused when the plan is loaded, before
    the named module is imported; ``research batch --dry-run`` therefore calls nothing else.
``csv``
    a column of a CSV file (``path``, ``column``), in file order, duplicates dropped.
``range``
    integers ``first`` to ``last`` inclusive (``step``).

:func:`plan_runs` expands a plan and validates every combination with the notebooks' declared
parameters (:mod:`research.run.params`) before anything runs; all problems are reported together. Each
run gets a deterministic id, ``<plan>-<10 hex of notebook and parameters>``, and a key: the SHA-256
of the notebook path, its parameters, the hashes of its input files and of the code (notebook and
package). A run whose folder holds a succeeded manifest with the same key is current and is
skipped by :func:`research.run.execute.run_plan` unless forced; anything else (never run, failed,
interrupted, stale) runs again, which is how a batch resumes.
"""

from __future__ import annotations

import importlib
import itertools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from research.core.hashing import sha256_json
from research.core.paths import project_root, relative_to_root

__all__ = [
    "Plan",
    "PlanError",
    "PlannedRun",
    "expand",
    "check_callable",
    "load_plan",
    "plan_runs",
    "plan_source",
    "run_state",
]

PLAN_KEYS = {"name", "title", "description", "notebooks", "parameters", "grid", "rows", "timeout"}
SOURCE_KINDS = ("dataset", "callable", "csv", "range")
MAX_PROBLEMS = 25
_TEMPLATE = re.compile(r"\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:\|(?P<filter>url))?\}")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class PlanError(ValueError):
    """A plan that cannot be run: bad YAML, an unknown notebook, or invalid parameter values."""


@dataclass(frozen=True)
class NotebookEntry:
    """A notebook of a plan and the parameters only it gets."""

    path: Path
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def stem(self) -> str:
        return self.path.stem


@dataclass(frozen=True)
class Plan:
    """A parsed plan file (see the module docstring for the format)."""

    name: str
    path: Path | None
    notebooks: tuple[NotebookEntry, ...]
    title: str = ""
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    grid: dict[str, Any] = field(default_factory=dict)
    rows: tuple[dict[str, Any], ...] = ()
    timeout: float | None = None


@dataclass(frozen=True)
class PlannedRun:
    """One run of a plan: a notebook with validated parameters, its id and its key."""

    plan: str
    notebook: Path
    parameters: dict[str, Any]
    variables: dict[str, Any]
    run_id: str
    key: str
    inputs: tuple[dict[str, Any], ...] = ()

    @property
    def stem(self) -> str:
        return self.notebook.stem

    @property
    def label(self) -> str:
        """``notebook-stem var=value ...`` for progress lines and summaries."""
        pairs = " ".join(f"{k}={v}" for k, v in self.variables.items())
        return f"{self.stem} {pairs}".strip()

    def run_dir(self, reports: Path) -> Path:
        return Path(reports) / self.stem / self.run_id

    def manifest_extra(self, plan: Plan) -> dict[str, Any]:
        """The ``plan`` entry of the run's manifest."""
        return {
            "plan": {
                "name": plan.name,
                "title": plan.title,
                "file": relative_to_root(plan.path) if plan.path else None,
                "variables": self.variables,
                "key": self.key,
            }
        }


# ----------------------------------------------------------------------------- reading


def _resolve(path: str | Path, base: Path | None) -> Path:
    """A path as given, else relative to the project root, else relative to the plan's folder."""
    candidate = Path(path).expanduser()
    if candidate.is_absolute():
        return candidate
    for folder in (Path.cwd(), project_root(), base):
        if folder is not None and (folder / candidate).exists():
            return (folder / candidate).resolve()
    return (project_root() / candidate).resolve()


def _notebook_entries(raw: Any, base: Path | None, problems: list[str]) -> list[NotebookEntry]:
    if isinstance(raw, str | dict):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        problems.append("notebooks: give a list of notebook paths (or {path:, parameters:}).")
        return []
    entries = []
    for item in raw:
        path, params = (item, {}) if isinstance(item, str) else (None, {})
        if isinstance(item, dict):
            path, params = item.get("path"), item.get("parameters") or {}
            unknown = set(item) - {"path", "parameters"}
            if unknown:
                problems.append(
                    f"notebooks: unknown keys {sorted(unknown)} (use path, parameters)."
                )
        if not isinstance(path, str) or not isinstance(params, dict):
            problems.append(f"notebooks: bad entry {item!r}; use a path or {{path:, parameters:}}.")
            continue
        resolved = _resolve(path, base)
        if not resolved.is_file():
            problems.append(f"notebooks: {path} not found.")
            continue
        entries.append(NotebookEntry(resolved, dict(params)))
    return entries


def load_plan(source: str | Path | Mapping[str, Any]) -> Plan:
    """Read a plan from a YAML file (or a dict) and check its shape.

    Raises
    ------
    PlanError
        Listing every problem: unknown keys, missing notebooks, malformed grid or rows.
    """
    if isinstance(source, Mapping):
        raw, path = dict(source), None
    else:
        path = Path(source).resolve()
        if not path.is_file():
            raise PlanError(f"Plan {source} not found.")
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as err:
            raise PlanError(f"Plan {source} is not valid YAML: {err}") from None
        if not isinstance(raw, dict):
            raise PlanError(f"Plan {source} must be a YAML mapping with notebooks: and grid:.")
    where = str(source) if path else "plan"
    problems: list[str] = []
    unknown = set(raw) - PLAN_KEYS
    if unknown:
        problems.append(f"unknown keys {sorted(unknown)}; a plan has {sorted(PLAN_KEYS)}.")
    name = str(raw.get("name") or (path.stem if path else "plan"))
    if not _NAME.match(name):
        problems.append(f"name {name!r}: use letters, digits, '-', '_' or '.'.")
    notebooks = _notebook_entries(raw.get("notebooks"), path.parent if path else None, problems)
    parameters = raw.get("parameters") or {}
    grid = raw.get("grid") or {}
    rows = raw.get("rows") or []
    if not isinstance(parameters, dict):
        problems.append("parameters: give a mapping of name: value.")
    if not isinstance(grid, dict):
        problems.append("grid: give a mapping of variable: [values] or variable: {from: ...}.")
    else:
        for variable, spec in grid.items():
            is_callable = isinstance(spec, Mapping) and spec.get("from") == "callable"
            if is_callable and (problem := check_callable(spec.get("callable"))):
                problems.append(f"grid {variable}: {problem}")
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        problems.append("rows: give a list of mappings, e.g. [{year: 2023, employer: X}].")
    timeout = raw.get("timeout")
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0
    ):
        problems.append(f"timeout: give seconds > 0, got {timeout!r}.")
    if problems:
        raise PlanError(f"Plan {where} has problems:\n" + "\n".join(f"- {p}" for p in problems))
    return Plan(
        name=name,
        path=path,
        notebooks=tuple(notebooks),
        title=str(raw.get("title") or name),
        description=str(raw.get("description") or ""),
        parameters=dict(parameters),
        grid=dict(grid),
        rows=tuple(dict(r) for r in rows),
        timeout=float(timeout) if timeout is not None else None,
    )


# ----------------------------------------------------------------------------- values


def _values_from_dataset(spec: Mapping[str, Any]) -> list[Any]:
    from research.data.datasets import load

    data = load(str(spec["dataset"]), spec.get("mapping") or None)
    column = str(spec["column"])
    if column not in data.columns:
        raise PlanError(f"dataset {spec['dataset']!r} has no column {column!r}.")
    counts = data[column].astype("string").value_counts()
    counts = counts[counts >= int(spec.get("min_rows", 1))]
    return sorted(counts.index.tolist())


_CALLABLE = re.compile(r"^(?P<module>research(?:\.[a-z_][a-z0-9_]*)*):(?P<name>[a-z][a-z0-9_]*)$")
_PLAN_SOURCE = "__research_plan_source__"


def plan_source(func):
    """Register ``func`` (a function of the ``research`` package) as a plan value source."""
    setattr(func, _PLAN_SOURCE, True)
    return func


def check_callable(target: Any) -> str | None:
    """Why ``target`` may not be a plan's ``callable`` (``None`` if its name is allowed).

    Only the name is checked (no import): ``research.<module>:<function>``.
    """
    if not isinstance(target, str) or not _CALLABLE.match(target):
        return (
            f"callable {target!r} is refused: a plan may only call a plan source of the research "
            "package, written 'research.module:function' (e.g. research.run.batch:gpg_councils)."
        )
    return None


def _values_from_callable(spec: Mapping[str, Any]) -> list[Any]:
    import inspect

    target = spec["callable"]
    if problem := check_callable(target):
        raise PlanError(problem)
    module_name, _, attr = target.partition(":")
    try:
        func = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as err:
        raise PlanError(f"callable {target!r} cannot be imported: {err}") from None
    if not (
        inspect.isfunction(func)
        and str(func.__module__).startswith("research.")
        and getattr(func, _PLAN_SOURCE, False)
    ):
        raise PlanError(
            f"callable {target!r} is refused: it is not a plan source of the research package "
            "(functions marked with research.run.batch.plan_source)."
        )
    values = func(**dict(spec.get("kwargs") or {}))
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise PlanError(f"callable {target!r} must return a list of values.")
    return [v.item() if hasattr(v, "item") else v for v in values]


def _values_from_csv(spec: Mapping[str, Any]) -> list[Any]:
    import pandas as pd

    path = _resolve(str(spec["path"]), None)
    frame = pd.read_csv(path, dtype="string")
    column = str(spec["column"])
    if column not in frame.columns:
        raise PlanError(f"{spec['path']} has no column {column!r}; it has {list(frame.columns)}.")
    return frame[column].dropna().drop_duplicates().tolist()


def _values_from_range(spec: Mapping[str, Any]) -> list[Any]:
    first, last, step = int(spec["first"]), int(spec["last"]), int(spec.get("step", 1))
    return list(range(first, last + (1 if step > 0 else -1), step))


_SOURCES = {
    "dataset": (_values_from_dataset, ("dataset", "column")),
    "callable": (_values_from_callable, ("callable",)),
    "csv": (_values_from_csv, ("path", "column")),
    "range": (_values_from_range, ("first", "last")),
}


def values_of(variable: str, spec: Any) -> list[Any]:
    """The values of one grid variable: a list, a single value, or a ``{from: ...}`` source."""
    if isinstance(spec, list):
        return list(spec)
    if not isinstance(spec, Mapping):
        return [spec]
    kind = spec.get("from")
    if kind not in _SOURCES:
        raise PlanError(
            f"grid {variable}: 'from' must be one of {', '.join(SOURCE_KINDS)}; got {kind!r}."
        )
    func, required = _SOURCES[kind]
    missing = [key for key in required if key not in spec]
    if missing:
        raise PlanError(f"grid {variable}: from {kind} needs {', '.join(missing)}.")
    try:
        values = func(spec)
    except PlanError as err:
        raise PlanError(f"grid {variable}: {err}") from None
    except Exception as err:  # a dataset that cannot be loaded, a failing function, ...
        raise PlanError(f"grid {variable}: values from {kind} failed: {err}") from None
    exclude = {str(v) for v in spec.get("exclude") or []}
    values = [v for v in values if str(v) not in exclude]
    if spec.get("limit") is not None:
        values = values[: int(spec["limit"])]
    if not values:
        raise PlanError(f"grid {variable}: the source gave no values.")
    return values


def expand(plan: Plan) -> list[dict[str, Any]]:
    """Every combination of the plan's variables: each row times the product of the grid."""
    grid = {name: values_of(name, spec) for name, spec in plan.grid.items()}
    names = list(grid)
    combos = [dict(zip(names, combo, strict=True)) for combo in itertools.product(*grid.values())]
    rows = list(plan.rows) or [{}]
    return [{**row, **combo} for row in rows for combo in combos]


# ----------------------------------------------------------------------------- runs


def _template_names(value: Any) -> set[str]:
    return {m["name"] for m in _TEMPLATE.finditer(value)} if isinstance(value, str) else set()


def _fill(value: Any, variables: Mapping[str, Any]) -> Any:
    """Replace ``{name}`` / ``{name|url}`` in a string by the variable's value."""
    if not isinstance(value, str):
        return value

    def replace(match: re.Match) -> str:
        name = match["name"]
        if name not in variables:
            return match.group(0)
        text = str(variables[name])
        return quote(text, safe="") if match["filter"] == "url" else text

    # a template that is the whole string keeps the variable's type (e.g. an int year)
    whole = _TEMPLATE.fullmatch(value)
    if whole and whole["name"] in variables and not whole["filter"]:
        return variables[whole["name"]]
    return _TEMPLATE.sub(replace, value)


def parameters_for(
    plan: Plan, entry: NotebookEntry, variables: Mapping[str, Any]
) -> dict[str, Any]:
    """The parameters one run gives its notebook (before defaults and validation)."""
    templated = {**plan.parameters, **entry.parameters}
    used = set().union(*(_template_names(v) for v in templated.values()))
    given = {name: _fill(value, variables) for name, value in templated.items()}
    given.update({name: value for name, value in variables.items() if name not in used})
    return given


def _digest(payload: Any) -> str:
    return sha256_json(payload)


def plan_runs(plan: Plan | str | Path) -> list[PlannedRun]:
    """Expand a plan into validated runs with deterministic ids and keys.

    Raises
    ------
    PlanError
        When any combination has invalid parameters (every problem listed, grouped), a value
        source fails, or two runs would be identical.
    """
    from research.run.params import ParameterError, read_parameters
    from research.run.runner import code_hashes, input_hashes

    plan = plan if isinstance(plan, Plan) else load_plan(plan)
    combos = expand(plan)
    problems: list[str] = []
    runs: list[PlannedRun] = []
    seen: dict[tuple[str, str], str] = {}
    inputs_cache: dict[str, tuple[dict[str, Any], ...]] = {}
    for entry in plan.notebooks:
        try:
            declared = read_parameters(entry.path)
        except ParameterError as err:
            problems.append(str(err))
            continue
        code = code_hashes(entry.path)
        notebook = relative_to_root(entry.path)
        for variables in combos:
            try:
                values = declared.validate(parameters_for(plan, entry, variables))
            except ParameterError as err:
                lines = [ln for ln in str(err).splitlines() if ln.startswith("- ")]
                where = " ".join(f"{k}={v}" for k, v in variables.items()) or "(no variables)"
                problems.append(f"{entry.stem} [{where}]: " + "; ".join(ln[2:] for ln in lines))
                continue
            source = json.dumps(declared.path_values(values), sort_keys=True, default=str)
            if source not in inputs_cache:
                inputs_cache[source] = tuple(input_hashes(values, declared))
            inputs = inputs_cache[source]
            run_id = f"{plan.name}-{_digest([notebook, values])[:10]}"
            if (entry.stem, run_id) in seen:
                problems.append(
                    f"{entry.stem}: variables {variables} give the same parameters as "
                    f"{seen[(entry.stem, run_id)]}; remove the duplicate."
                )
                continue
            seen[(entry.stem, run_id)] = str(variables)
            key = _digest(
                {
                    "notebook": notebook,
                    "parameters": values,
                    "inputs": [i["sha256"] for i in inputs],
                    "code": code,
                }
            )
            runs.append(
                PlannedRun(plan.name, entry.path, values, dict(variables), run_id, key, inputs)
            )
    if problems:
        shown = problems[:MAX_PROBLEMS]
        more = len(problems) - len(shown)
        raise PlanError(
            f"Plan {plan.name}: {len(problems)} of {len(combos) * len(plan.notebooks)} runs have "
            "invalid parameters; nothing was run.\n"
            + "\n".join(f"- {p}" for p in shown)
            + (f"\n- ... and {more} more" if more else "")
        )
    return runs


def run_state(run: PlannedRun, reports: Path) -> str:
    """``current`` (succeeded with the same key), ``stale``, ``failed``, ``interrupted``,
    ``running`` or ``missing``.

    ``interrupted`` is a ``running`` manifest whose process is gone
    (:func:`research.run.manifest.effective_status`); every state but ``current`` runs again.
    """
    from research.run.manifest import ManifestError, effective_status, read

    try:
        manifest = read(run.run_dir(reports))
    except ManifestError:
        return "missing"
    if manifest.status == "running":
        return effective_status(manifest.to_dict())
    if manifest.status != "succeeded":
        return "failed"
    if (manifest.plan or {}).get("key") != run.key:
        return "stale"
    return "current"


@plan_source
def gpg_councils(year: str = "latest") -> list[str]:
    """Every council with a complete submission in ``year`` of the GOV.UK panel (a plan source).

    ``year="latest"`` is the latest reporting year with complete data. Names are the councils'
    latest names, which :func:`research.gpg.benchmark.benchmark` matches. Use in a plan as
    ``{from: callable, callable: "research.run.batch:gpg_councils", kwargs: {year: latest}}``.
    """
    from research.data.gpg import load
    from research.gpg import benchmark as bm
    from research.gpg.selection import councils

    data = councils(load("gpg").panel)
    label = bm.resolve_year(data, year)
    rows = bm.current(data)
    rows = rows.loc[rows["reporting_year"] == label]
    return sorted(rows["council_name"].astype(str).unique().tolist())


@plan_source
def gpg_latest_year() -> list[str]:
    """The latest complete reporting year of the GOV.UK panel, as a one-value plan source."""
    from research.data.gpg import load
    from research.gpg import benchmark as bm
    from research.gpg.selection import councils

    return [bm.resolve_year(councils(load("gpg").panel), "latest")]


def write_plan_record(plan: Plan, runs: list[PlannedRun], reports: Path) -> Path:
    """``reports/_plans/<name>.json``: the plan's runs, read by the site for the plan page."""
    folder = Path(reports) / "_plans"
    folder.mkdir(parents=True, exist_ok=True)
    record = {
        "name": plan.name,
        "title": plan.title,
        "description": plan.description,
        "file": relative_to_root(plan.path) if plan.path else None,
        "variables": sorted({k for r in runs for k in r.variables}),
        "runs": [
            {
                "notebook_stem": r.stem,
                "run_id": r.run_id,
                "variables": r.variables,
                "key": r.key,
            }
            for r in runs
        ],
    }
    from research.run.export.files import write_atomically

    out = folder / f"{plan.name}.json"
    write_atomically(out, json.dumps(record, indent=2, default=str) + "\n")
    return out
