"""Notebook parameters: read them from the ``parameters`` cell and validate values before a run.

papermill injects whatever it is given; a typo or a wrong type then fails deep inside a kernel, or
worse, runs. The workbench reads each notebook's ``parameters`` cell (the cell tagged
``parameters``) as the declaration of its interface::

    dataset: str = "synthetic"  # Dataset to analyse [dataset]
    min_cell: int = 10          # Smallest count shown in a table [min: 1]
    level: str = "occupation"   # Occupation level [choices: occupation, job_family]

Each line gives the name, the type (from the annotation, else from the default), the default, a help
text, and optional constraints in brackets: ``choices: a, b``, ``min: x``, ``max: y``, ``dataset``
(a dataset reference checked with :func:`research.data.datasets.describe`) or ``path`` (an existing file;
an empty string means "none"). Validation happens in the calling process, in well under a second,
before any kernel starts.
"""

from __future__ import annotations

import ast
import difflib
import io
import json
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TYPES: dict[str, type] = {"int": int, "float": float, "str": str, "bool": bool}
TRUE_WORDS = {"true", "yes", "y", "1", "on"}
FALSE_WORDS = {"false", "no", "n", "0", "off"}


class ParameterError(ValueError):
    """Parameters that do not fit a notebook's declaration; lists every problem at once."""


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
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(f"expected {self.describe()}; got {value!r}{hint}")
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"expected {self.describe()}; got {value!r}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"expected {self.describe()}; got {value!r}")
        if self.kind == "path" and value and not Path(value).is_file():
            raise ValueError(f"file {value!r} not found (expected {self.describe()})")
        if self.kind == "dataset":
            from research.data.datasets import DatasetError, describe

            try:
                describe(value)
            except DatasetError as err:
                raise ValueError(str(err)) from None
        return value


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

    def validate(self, values: dict[str, Any] | None = None) -> dict[str, Any]:
        """Return defaults overridden by ``values``, every value checked; raise on any problem.

        Raises
        ------
        ParameterError
            Lists every unknown name (with the closest declared name) and every bad value with the
            expected type and allowed values.
        """
        values = dict(values or {})
        problems = []
        for name in values:
            if name not in self.specs:
                close = difflib.get_close_matches(name, list(self.specs), n=1)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                problems.append(f"- {name}: not a parameter of {self.notebook}.{hint}")
        out = self.defaults
        for name, value in values.items():
            if name in self.specs:
                try:
                    out[name] = self.specs[name].check(value)
                except ValueError as err:
                    problems.append(f"- {name}: {err}")
        if problems:
            raise ParameterError(
                f"Invalid parameters for {self.notebook}:\n"
                + "\n".join(problems)
                + f"\nParameters of {self.notebook}:\n{self.describe()}"
            )
        return out


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
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    for cell in cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            return NotebookParameters(path.name, parse_parameters_source(source, path.name))
    return NotebookParameters(path.name, {})


def parse_cli_pairs(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """``-p NAME VALUE`` pairs as a dict (later pairs win)."""
    return dict(pairs)
