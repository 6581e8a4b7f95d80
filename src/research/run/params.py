"""Notebook parameters: read them from the ``parameters`` cell and validate values before a run.

papermill injects whatever it is given; a typo or a wrong type then fails deep inside a kernel, or
worse, runs. The workbench reads each notebook's ``parameters`` cell (the cell tagged
``parameters``) as the declaration of its interface::

    dataset: str = "synthetic"  # Dataset to analyse [dataset]
    min_cell: int = 10          # Smallest count shown in a table [min: 1]
    level: str = "occupation"   # Occupation level [choices: occupation, job_family]

Each line gives the name, the type (from the annotation, else from the default), the default, a help
text, and optional constraints in brackets: ``choices: a, b``, ``min: x``, ``max: y``, ``dataset``
(a dataset reference, resolved by :func:`research.data.datasets.resolve`) or ``path`` (an existing file;
an empty string means "none"). Validation happens in the calling process, in well under a second,
before any kernel starts.

Path-typed parameters (``[path]``, ``[dataset]``, and the parameters named in
:data:`PATH_PARAMETERS` when their declaration says nothing) are resolved against the caller's working
directory (``base``): the kernel, which runs in ``notebooks/``, receives absolute paths. Values that
are not paths (a synthetic spec, a named dataset, ``auto``, ``none``, empty) pass through unchanged;
``mapping`` may also name a shipped mapping (``cincinnati``). A missing file is refused with the path
as given and as resolved; a ``crosswalk`` file is also read (:data:`CONTENT_CHECKS`), so a bad one
fails before any kernel starts.
:meth:`NotebookParameters.input_files` lists every file behind them, for the run manifest.
"""

from __future__ import annotations

import ast
import difflib
import functools
import io
import json
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TYPES: dict[str, type] = {"int": int, "float": float, "str": str, "bool": bool}
PATH_PARAMETERS: dict[str, str] = {
    "dataset": "dataset",
    "mapping": "path",
    "structure": "path",
    "job_mapping": "path",
    "crosswalk": "path",
    "compare_with": "dataset",
}
"""Kinds of the notebooks' path parameters, for declarations without ``[path]``/``[dataset]``."""
KEYWORDS = frozenset({"auto", "none"})
"""Values of a ``dataset``-kind parameter that name no data (e.g. ``compare_with``)."""
TRUE_WORDS = {"true", "yes", "y", "1", "on"}
FALSE_WORDS = {"false", "no", "n", "0", "off"}


class ParameterError(ValueError):
    """Parameters that do not fit a notebook's declaration; lists every problem at once.

    ``line`` is a one-line message when the only problem is a misspelt name with a close match
    (``dataset: unknown dataset 'cincinatti'. Did you mean 'cincinnati'?``), else ``""``.
    """

    def __init__(self, message: str, line: str = ""):
        super().__init__(message)
        self.line = line


class Misspelt(ValueError):
    """A value naming nothing that is close to a known name; the message says which."""


def dataset_names(workforce: bool = False) -> list[str]:
    """Names a ``dataset`` parameter accepts without a path: synthetic, bundled, processed and
    ``gpg`` (the GOV.UK panel of the council benchmark; left out when ``workforce``); caches kept
    in ``data/processed`` are not datasets (:func:`research.data.datasets.named_datasets`)."""
    from research.data.datasets import GPG_FOLDER, named_datasets

    names = named_datasets()
    return sorted(names) if workforce else sorted({*names, GPG_FOLDER})


def _looks_like_path(value: str) -> bool:
    return any(c in value for c in "/\\:?") or Path(value).suffix != ""


def _misspelt(value: str, names: list[str], what: str) -> Misspelt | None:
    close = difflib.get_close_matches(value, names, n=1)
    if not close:
        return None
    return Misspelt(f"unknown {what} {value!r}. Did you mean {close[0]!r}?")


@dataclass(frozen=True)
class ParamSpec:
    """One declared notebook parameter."""

    name: str
    type: type
    default: Any
    help: str = ""
    choices: tuple[Any, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    kind: str = ""

    def describe(self) -> str:
        """Type and allowed values in words, e.g. ``int, at least 1``."""
        parts = [self.type.__name__]
        if self.choices:
            parts.append("one of " + ", ".join(repr(c) for c in self.choices))
        if self.minimum is not None:
            parts.append(f"at least {self.minimum:g}")
        if self.maximum is not None:
            parts.append(f"at most {self.maximum:g}")
        if self.kind == "dataset":
            parts.append("a dataset name or file path")
        if self.kind == "path":
            parts.append("an existing file path, or empty for none")
        return ", ".join(parts)

    def coerce(self, value: Any) -> Any:
        """Convert a value (a string from the command line, or YAML) to the declared type."""
        if self.type is bool:
            return _to_bool(value)
        if self.type is int:
            return _to_int(value)
        if self.type is float:
            if isinstance(value, bool):
                raise ValueError("a bool is not a number")
            return float(value)
        return str(value)

    def check(self, value: Any) -> Any:
        """Coerce and check ``value``; raise ``ValueError`` naming the expected type and values."""
        try:
            value = self.coerce(value)
        except (TypeError, ValueError):
            raise ValueError(f"expected {self.describe()}; got {value!r}") from None
        if self.choices and value not in self.choices:
            close = difflib.get_close_matches(str(value), [str(c) for c in self.choices], n=1)
            if close and self.path_kind == "dataset":  # e.g. 'gpgg' for the council benchmark
                raise Misspelt(f"unknown dataset {value!r}. Did you mean {close[0]!r}?")
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(f"expected {self.describe()}; got {value!r}{hint}")
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"expected {self.describe()}; got {value!r}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"expected {self.describe()}; got {value!r}")
        return value

    @property
    def path_kind(self) -> str:
        """``dataset`` or ``path`` for a path-typed parameter, else ``""``."""
        if self.kind:
            return self.kind
        return PATH_PARAMETERS.get(self.name, "") if self.type is str else ""

    def names_files(self, value: Any) -> str:
        """The path kind when ``value`` may name files; ``""`` for empty values and keywords."""
        kind = self.path_kind
        if not kind or not isinstance(value, str) or not value.strip():
            return ""
        return "" if kind == "dataset" and value.strip().lower() in KEYWORDS else kind

    def resolve(self, value: Any, base: Path) -> Any:
        """The value the kernel receives: an absolute path for a file, else ``value`` unchanged.

        Raises ``ValueError`` naming the path tried and the fix.
        """
        kind = self.names_files(value)
        if not kind:
            return value
        if kind == "path":
            path = _absolute(value, base)
            if not path.is_file() and self.name == "mapping":
                shipped = _shipped_mapping(value)
                if shipped is not None:
                    return str(shipped)
            if not path.is_file():
                raise ValueError(
                    f"file {value!r} not found (tried {path}; relative paths are taken from the "
                    f"working directory {base}). Give an existing file, or empty for none."
                )
            if self.name in CONTENT_CHECKS:
                CONTENT_CHECKS[self.name](path)
            return str(path.resolve())
        from research.data.datasets import DatasetError, resolve

        try:
            found = resolve(value, None, base)
        except DatasetError as err:
            close = None
            if not _looks_like_path(value):
                close = _misspelt(value, dataset_names(workforce=not self.choices), "dataset")
            if close is not None:
                raise close from None
            raise ValueError(f"{err} Relative paths are taken from {base}.") from None
        if found.kind == "gpg" and not self.choices:
            raise ValueError(
                f"{value!r} is the GOV.UK pay gap panel, not a workforce table; give a workforce "
                "dataset (notebooks/60_council_benchmark.ipynb reads 'gpg')."
            )
        return found.argument

    def files(self, value: Any, mapping: str | None = None) -> list[Path]:
        """Files behind an already resolved value (a dataset's with its ``mapping``)."""
        kind = self.names_files(value)
        if not kind:
            return []
        if kind == "path":
            return [Path(value).resolve()]
        from research.data.datasets import DatasetError, input_files

        try:
            return input_files(value, mapping or None)
        except DatasetError:
            return input_files(value)


def _check_crosswalk(path: Path) -> None:
    from research.data.snapshots import CrosswalkError, load_crosswalk

    try:
        load_crosswalk(path)
    except CrosswalkError as err:
        raise ValueError(str(err)) from None


#: Path parameters whose file is read before any kernel starts (a bad file fails at once).
CONTENT_CHECKS = {"crosswalk": _check_crosswalk}


@functools.lru_cache(maxsize=2)
def _council_rows(stamp: tuple):
    """Council submissions of the ``gpg`` panel (cached per state of its input files)."""
    from research.data.gpg import load
    from research.gpg.selection import councils

    return councils(load("gpg").panel)


def _council_suggestions(rows, employer: str) -> list[str]:
    """Council names closest to ``employer``, on whole names and on places (``Leedz`` -> Leeds)."""
    import pandas as pd

    from research.data.schema import normalise_employer_name
    from research.gpg.selection import place_key

    names = pd.concat([rows[c] for c in ("council_name", "EmployerName", "CurrentName")])
    table = pd.DataFrame({"name": rows["council_name"].tolist() * 3, "other": names.tolist()})
    table = table.dropna()
    keys = {}
    for key, name in zip(normalise_employer_name(table["other"]), table["name"], strict=True):
        keys.setdefault(str(key), str(name))
    for key, name in zip(place_key(table["other"]), table["name"], strict=True):
        keys.setdefault(str(key), str(name))
    query = str(normalise_employer_name(pd.Series([employer])).iloc[0])
    close = difflib.get_close_matches(query, list(keys), n=5, cutoff=0.6)
    return list(dict.fromkeys(keys[k] for k in close))


def _check_council(employer: Any, values: dict[str, Any]) -> None:
    """Refuse a council name that the council benchmark would not find, with the closest names.

    Uses the benchmark's own matching (:func:`research.gpg.benchmark.match_council`) on the
    ``gpg`` panel, so a name is refused here exactly when the kernel would refuse it.
    """
    if not str(employer).strip() or values.get("dataset") != "gpg":
        return
    try:
        from research.data.gpg.load import input_files
        from research.gpg.benchmark import AmbiguousEmployer, EmployerNotFound, match_council

        stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in input_files())
        rows = _council_rows(stamp)
    except Exception:  # no downloads or an unreadable panel: the kernel reports it
        return
    try:
        match_council(rows, str(employer))
    except AmbiguousEmployer as err:
        raise ValueError(str(err)) from None
    except EmployerNotFound as err:
        close = _council_suggestions(rows, str(employer)) or list(err.suggestions)
        if close:
            raise Misspelt(
                f"no council matches {str(employer)!r}. Did you mean {close[0]!r}?"
            ) from None
        raise ValueError(str(err)) from None


#: Parameters checked against the data they name before any kernel starts; each check gets
#: the value and every validated value (e.g. the council benchmark's ``employer``).
NAME_CHECKS = {"employer": _check_council}


def _shipped_mapping(name: str) -> Path | None:
    """A mapping shipped with the project (``src/research/data/mappings/<name>.yaml``), if any."""
    if "/" in name or "\\" in name or name.endswith((".yaml", ".yml")):
        return None
    from research.core.paths import mappings_dir

    shipped = mappings_dir() / f"{name}.yaml"
    return shipped.resolve() if shipped.is_file() else None


def _absolute(value: str, base: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else Path(base) / path


@dataclass(frozen=True)
class NotebookParameters:
    """The declared parameters of one notebook."""

    notebook: str
    specs: dict[str, ParamSpec] = field(default_factory=dict)

    @property
    def defaults(self) -> dict[str, Any]:
        return {name: spec.default for name, spec in self.specs.items()}

    def describe(self) -> str:
        """One line per parameter: name, type and allowed values, default, help."""
        return "\n".join(
            f"  {s.name} ({s.describe()}; default {s.default!r}){': ' + s.help if s.help else ''}"
            for s in self.specs.values()
        )

    def validate(
        self, values: dict[str, Any] | None = None, base: str | Path | None = None
    ) -> dict[str, Any]:
        """Return defaults overridden by ``values``, every value checked; raise on any problem.

        Path-typed values are resolved against ``base`` (default: the working directory).

        Raises
        ------
        ParameterError
            Lists every unknown name (with the closest declared name) and every bad value with the
            expected type and allowed values; for a path, the path tried and the fix.
        """
        values = dict(values or {})
        folder = Path(base) if base is not None else Path.cwd()
        problems = []
        failed = set()
        for name in values:
            if name not in self.specs:
                close = difflib.get_close_matches(name, list(self.specs), n=1)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                problems.append(f"- {name}: not a parameter of {self.notebook}.{hint}")
        out = self.defaults
        misspelt = []
        for name, value in values.items():
            if name in self.specs:
                try:
                    out[name] = self.specs[name].check(value)
                except ValueError as err:
                    problems.append(f"- {name}: {err}")
                    failed.add(name)
                    if isinstance(err, Misspelt):
                        misspelt.append(f"{name}: {err}")
        for name, spec in self.specs.items():
            if name in failed:
                continue
            try:
                out[name] = spec.resolve(out[name], folder)
            except ValueError as err:
                problems.append(f"- {name}: {err}")
                failed.add(name)
                if isinstance(err, Misspelt):
                    misspelt.append(f"{name}: {err}")
        for name, check in NAME_CHECKS.items():
            if name in self.specs and not failed:
                try:
                    check(out[name], out)
                except ValueError as err:
                    problems.append(f"- {name}: {err}")
                    if isinstance(err, Misspelt):
                        misspelt.append(f"{name}: {err}")
        if problems:
            raise ParameterError(
                f"Invalid parameters for {self.notebook}:\n"
                + "\n".join(problems)
                + f"\nParameters of {self.notebook}:\n{self.describe()}",
                line=misspelt[0] if len(problems) == 1 and misspelt else "",
            )
        return out

    def path_values(self, values: dict[str, Any]) -> dict[str, Any]:
        """The values of the path-typed parameters (those that can name files)."""
        return {n: values.get(n) for n, s in self.specs.items() if s.path_kind and n in values}

    def input_files(self, values: dict[str, Any]) -> list[Path]:
        """Every file behind every path-typed parameter of validated ``values``, once each."""
        mapping = values.get("mapping") or None
        seen: dict[Path, None] = {}
        for name, value in self.path_values(values).items():
            for path in self.specs[name].files(value, mapping):
                seen.setdefault(path, None)
        return [p for p in seen if p.is_file()]


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    raise ValueError(value)


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    return int(str(value).strip())


def _constraints(comment: str) -> tuple[str, dict[str, Any]]:
    """Split a ``# help [key: value]`` comment into help text and constraints."""
    text = comment.lstrip("#").strip()
    found: dict[str, Any] = {}
    if text.endswith("]") and "[" in text:
        text, _, inner = text.rpartition("[")
        inner = inner[:-1]
        if inner.startswith("choices:"):
            found["choices"] = [c.strip() for c in inner[len("choices:") :].split(",")]
        else:
            for part in filter(None, (p.strip() for p in inner.split(","))):
                key, _, val = part.partition(":")
                found[key.strip()] = val.strip()
    return text.strip(), found


def _comments_by_line(source: str) -> dict[int, str]:
    comments = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.string
    return comments


def _spec_from_statement(node: ast.stmt, comments: dict[int, str], where: str) -> ParamSpec | None:
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        name, annotation, value_node = node.target.id, ast.unparse(node.annotation), node.value
    elif (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
    ):
        name, annotation, value_node = node.targets[0].id, None, node.value
    else:
        return None
    try:
        default = ast.literal_eval(value_node) if value_node is not None else None
    except ValueError:
        raise ParameterError(f"{where}: parameter {name} needs a literal default value.") from None
    kind_name = annotation or type(default).__name__
    if kind_name not in TYPES:
        raise ParameterError(
            f"{where}: parameter {name} has type {kind_name}; use one of {list(TYPES)}."
        )
    kind = TYPES[kind_name]
    help_text, found = _constraints(comments.get(node.lineno, ""))
    spec = ParamSpec(
        name=name,
        type=kind,
        default=default,
        help=help_text,
        minimum=float(found["min"]) if "min" in found else None,
        maximum=float(found["max"]) if "max" in found else None,
        kind="dataset" if "dataset" in found else "path" if "path" in found else "",
    )
    if "choices" in found:
        spec = ParamSpec(
            **{**spec.__dict__, "choices": tuple(spec.coerce(c) for c in found["choices"])}
        )
    return spec


def parse_parameters_source(source: str, where: str = "notebook") -> dict[str, ParamSpec]:
    """Parameter specs declared in the source of a parameters cell."""
    tree = ast.parse(source)
    comments = _comments_by_line(source)
    specs = {}
    for node in tree.body:
        spec = _spec_from_statement(node, comments, where)
        if spec is not None:
            specs[spec.name] = spec
    return specs


def read_parameters(notebook: str | Path) -> NotebookParameters:
    """Read the ``parameters`` cell of a notebook file (plain JSON read: no Jupyter import)."""
    path = Path(notebook)
    if not path.is_file():
        raise ParameterError(f"Notebook {str(path)!r} not found.")
    if path.suffix != ".ipynb":
        raise ParameterError(
            f"{path.name} is not a Jupyter notebook (.ipynb): give a notebook, e.g. "
            "notebooks/00_data_audit.ipynb."
        )
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        content = None
    cells = content.get("cells") if isinstance(content, dict) else None
    if not isinstance(cells, list):
        raise ParameterError(
            f"{path.name} is not a Jupyter notebook (no notebook JSON with cells): give a "
            "notebook saved by Jupyter, e.g. notebooks/00_data_audit.ipynb."
        )
    for cell in cells:
        tags = cell.get("metadata", {}).get("tags", []) if isinstance(cell, dict) else []
        if "parameters" in tags:
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            try:
                specs = parse_parameters_source(source, path.name)
            except SyntaxError as err:
                raise ParameterError(
                    f"{path.name}: the parameters cell is not valid Python (line {err.lineno}): "
                    "fix the cell in Jupyter."
                ) from None
            return NotebookParameters(path.name, specs)
    return NotebookParameters(path.name, {})


def parse_cli_pairs(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """``-p NAME VALUE`` pairs as a dict (later pairs win)."""
    return dict(pairs)
