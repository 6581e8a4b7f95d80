"""Named datasets behind one call: synthetic, bundled real data, and a user's own files.

``load("synthetic")`` generates a council workforce with known truth; options follow a colon, e.g.
``"synthetic:n_employees=20000,seed=7,segregation=0.5"``; ``shape=annual_only+blank_grades`` leaves
columns out as a real extract would (:data:`research.data.synth.SHAPES`). Linked snapshots of one
council over several years, with known flow rates (:mod:`research.data.synth_flows`), come from
``"synthetic:years=5"`` or the name ``"synthetic_flows"`` (options ``promotion_ratio``, ``growth``
too; read them with :func:`research.data.longitudinal.load_linked`). ``load("cincinnati")`` reads the bundled
City of Cincinnati extract (ingested once into ``data/processed``). ``load("my_extract")`` reads a
dataset written by ``research ingest ... --name my_extract``. ``load("file.csv", mapping="map.yaml")``
ingests a file directly; a Parquet file already in the canonical schema needs no mapping.

Subsets: any reference may end in a filter, ``?column=value&column=value``, that keeps only the
rows whose canonical column equals one of the values (several values of one column: any of them;
different columns: all of them), e.g. ``"cincinnati?job_family=D1AFS"`` or
``"synthetic:n_employees=600,seed=11?department=Adult%20Social%20Care"`` (values are URL-encoded,
so ``%20`` is a space and ``%26`` an ampersand). Every notebook taking ``dataset`` can thus run on a
subset without its own filter parameter; the filter is recorded in the dataset's summary.

One resolver, :func:`resolve`, finds what a reference names (kind, spec, filter, absolute paths,
the files to hash) without loading anything: names first (synthetic, bundled, processed, ``gpg``),
then files, relative to a ``base`` folder. Parameter validation uses it before a kernel starts (and
hands the kernel absolute paths); :func:`load_dataset`, :func:`input_files`, :func:`describe` and
:func:`display_name` use it too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from research.core.hashing import sha256_file, sha256_frame
from research.core.paths import mappings_dir, processed_dir, raw_dir, relative_to_root
from research.core.source import Source

SYNTHETIC_DEFAULTS: dict[str, Any] = {"n_employees": 5000, "seed": 2025}


def boolean(value: str) -> bool:
    """``true``/``false`` (also yes/no, 1/0) of a synthetic option such as ``senior_tail=true``."""
    text = str(value).strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise ValueError(f"not true or false: {value!r}")


SYNTHETIC_OPTIONS = {
    "n_employees": int,
    "seed": int,
    "segregation": float,
    "within_job_gap": float,
    "female_share": float,
    "other_sex_share": float,
    "shape": str,
    "senior_tail": boolean,
    # linked snapshots over several years (research.data.synth_flows); ``synthetic_flows`` is
    # ``synthetic:years=5``
    "years": int,
    "promotion_ratio": float,
    "growth": float,
}
#: Options that only linked synthetic snapshots (``years=...``) take.
FLOW_OPTIONS = ("promotion_ratio", "growth")
#: The named dataset of linked synthetic snapshots and the years it holds by default.
SYNTHETIC_FLOWS = "synthetic_flows"
SYNTHETIC_FLOWS_YEARS = 5


class DatasetError(ValueError):
    """An unknown dataset name, a missing file or a bad option; the message lists what is valid."""


@dataclass(frozen=True)
class BundledSource:
    """A real dataset shipped in ``data/raw`` with its shipped mapping."""

    name: str
    raw_file: str
    mapping: str
    description: str

    @property
    def path(self) -> Path:
        return raw_dir() / self.raw_file


BUNDLED: dict[str, BundledSource] = {
    "cincinnati": BundledSource(
        "cincinnati",
        "cincinnati/cincinnati_employees_2020_noname.csv",
        "cincinnati",
        "City of Cincinnati employees with salaries (real, about December 2020, 6304 employees)",
    ),
}


@dataclass(frozen=True)
class Dataset:
    """A canonical workforce table with where it came from and how it was ingested.

    Attributes
    ----------
    name
        The name or spec it was loaded by.
    data
        The canonical table (accepted rows).
    summary
        The ingest summary: counts read / accepted / quarantined, problems, currency, source hashes.
    quarantine
        Rejected rows with reasons (empty for synthetic data).
    inputs
        Files the dataset was built from (for run manifests).
    """

    name: str
    data: pd.DataFrame
    summary: dict[str, Any]
    quarantine: pd.DataFrame = field(default_factory=pd.DataFrame)
    inputs: tuple[Path, ...] = ()

    @property
    def source(self) -> Source:
        """Name, description and currency, as report title blocks state them."""
        return Source(
            name=display_name(self.name),
            description=self.description,
            currency=self.currency,
            jurisdiction=str(self.summary.get("jurisdiction", "")),
            data_hash=self.data_hash,
        )

    @cached_property
    def data_hash(self) -> str:
        """Content hash of the canonical data (:func:`research.core.hashing.sha256_frame`)."""
        return sha256_frame(self.data)

    @property
    def currency(self) -> str:
        return str(self.summary.get("currency", "GBP"))

    @property
    def description(self) -> str:
        return str(self.summary.get("description", ""))

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.summary["counts"])

    @property
    def problems(self) -> pd.DataFrame:
        return pd.DataFrame(
            self.summary.get("problems", []),
            columns=["column", "problem", "n_rows", "rows", "examples", "fix"],
        )


def named_datasets() -> list[str]:
    """Names that :func:`load` understands without a path: synthetic, bundled and processed.

    A processed dataset is a Parquet file that ingest wrote with its ``<name>.ingest.json``
    summary; other Parquet files there (the GOV.UK panel cache) are not datasets.
    """
    processed = (
        sorted(
            p.stem
            for p in processed_dir().glob("*.parquet")
            if p.with_name(f"{p.stem}.ingest.json").exists()
        )
        if processed_dir().exists()
        else []
    )
    return sorted({"synthetic", SYNTHETIC_FLOWS, *BUNDLED, *processed})


def parse_synthetic_spec(spec: str) -> dict[str, Any]:
    """Options of a ``synthetic[:key=value,...]`` spec, typed and checked."""
    options = dict(SYNTHETIC_DEFAULTS)
    head, _, rest = spec.partition(":")
    if head == SYNTHETIC_FLOWS:
        options["years"] = SYNTHETIC_FLOWS_YEARS
    for item in filter(None, (s.strip() for s in rest.split(","))):
        key, sep, value = item.partition("=")
        if not sep or key not in SYNTHETIC_OPTIONS:
            raise DatasetError(
                f"Bad synthetic option {item!r} in {spec!r}. Use key=value with keys "
                f"{', '.join(SYNTHETIC_OPTIONS)}, e.g. 'synthetic:n_employees=20000,seed=7'."
            )
        try:
            options[key] = SYNTHETIC_OPTIONS[key](value)
        except ValueError as err:
            raise DatasetError(
                f"Synthetic option {key}={value!r} is not a valid {SYNTHETIC_OPTIONS[key].__name__}."
            ) from err
    if "shape" in options:  # what the extract holds, e.g. shape=annual_only+blank_grades
        from research.data.synth import make_shape

        try:
            make_shape(options["shape"])
        except ValueError as err:
            raise DatasetError(f"{err} (in {spec!r})") from None
    if "years" in options:
        if not 2 <= options["years"] <= 30:
            raise DatasetError(f"years={options['years']} in {spec!r}: give 2 to 30 snapshots.")
        for option in ("shape", "other_sex_share"):
            if option in options:
                raise DatasetError(
                    f"Linked synthetic snapshots (years=...) take no {option} (in {spec!r})."
                )
    elif any(k in options for k in FLOW_OPTIONS):
        raise DatasetError(
            f"{' and '.join(k for k in FLOW_OPTIONS if k in options)} need linked snapshots: "
            f"add years=5 (or use {SYNTHETIC_FLOWS!r}) in {spec!r}."
        )
    return options


def is_synthetic(spec: str) -> bool:
    """Whether a dataset reference (filter removed) names synthetic data."""
    head = spec.partition(":")[0]
    return head in ("synthetic", SYNTHETIC_FLOWS)


FILTER_SEPARATOR = "?"
#: Columns whose values identify a person (as research.data.ingest.IDENTIFYING; kept here so that
#: resolving a reference does not import the ingest machinery).
IDENTIFYING = frozenset({"employee_id"})
FIXED_CATEGORIES = ("sex", "working_pattern")


def split_filter(
    name_or_path: str | Path, base: str | Path | None = None
) -> tuple[str, dict[str, tuple[str, ...]]]:
    """Split ``"base?column=value&..."`` into the base reference and ``{column: values}``.

    A reference without ``?`` (or an existing file, relative to ``base``, whose name contains one)
    has no filter.

    Raises
    ------
    DatasetError
        When the filter is malformed or names a column outside the canonical schema.
    """
    ref = str(name_or_path)
    if FILTER_SEPARATOR not in ref or _absolute(ref, base).exists():
        return ref, {}
    from urllib.parse import parse_qsl

    # imports pandera: only when there is a filter
    from research.data.schema import ALL_COLUMN_NAMES as COLUMN_NAMES

    base_ref, _, query = ref.partition(FILTER_SEPARATOR)
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise DatasetError(
            f"Bad filter {query!r} in dataset {ref!r}: use ?column=value&column=value, "
            "e.g. 'cincinnati?job_family=D1AFS'."
        ) from None
    filters: dict[str, tuple[str, ...]] = {}
    for column, value in pairs:
        if column in IDENTIFYING:
            raise DatasetError(
                f"A dataset cannot be filtered on {column}: a subset chosen by identifier would "
                "publish individuals. Filter on a grouping column instead (e.g. department)."
            )
        if column not in COLUMN_NAMES:
            raise DatasetError(
                f"Filter column {column!r} in dataset {ref!r} is not a canonical column. "
                f"Valid columns: {', '.join(COLUMN_NAMES)}."
            )
        filters[column] = (*filters.get(column, ()), value)
    return base_ref, filters


def apply_filter(
    data: pd.DataFrame, filters: dict[str, tuple[str, ...]], ref: str = ""
) -> pd.DataFrame:
    """Rows of ``data`` whose columns match ``filters`` (values compared as text).

    Raises
    ------
    DatasetError
        When a filter column is absent from the data or no row matches; the message lists the
        values that exist.
    """
    keep = pd.Series(True, index=data.index)
    for column, values in filters.items():
        if column not in data.columns:
            raise DatasetError(f"Dataset {ref!r} has no column {column!r} to filter on.")
        text = data[column].astype("string")
        match = text.isin(values).fillna(False)
        if not match.any():
            if column in IDENTIFYING:  # identifiers are never listed, nor echoed back
                raise DatasetError(
                    f"No row of dataset {ref!r} matches the {column} filter. Identifiers are "
                    f"never listed; filter on a grouping column instead (e.g. department)."
                )
            present = sorted(text.dropna().unique().tolist())
            shown = ", ".join(present[:20]) + (", ..." if len(present) > 20 else "")
            raise DatasetError(
                f"No row of dataset {ref!r} has {column} in {list(values)}. "
                f"Values of {column}: {shown or 'none'}."
            )
        keep &= match.to_numpy()
    if not keep.any():
        shown = {c: ["..."] if c in IDENTIFYING else list(v) for c, v in filters.items()}
        raise DatasetError(f"No row of dataset {ref!r} matches all of its filters {shown}.")
    subset = data.loc[keep.to_numpy()].reset_index(drop=True)
    # Groupings of the subset list only what it holds; fixed vocabularies (sex, pattern) stay.
    for column in subset.columns:
        if isinstance(subset[column].dtype, pd.CategoricalDtype) and column not in FIXED_CATEGORIES:
            subset[column] = subset[column].cat.remove_unused_categories()
    return subset


# ----------------------------------------------------------------------------- resolver

KINDS = ("synthetic", "bundled", "processed", "file", "gpg")

GPG_FOLDER = "gpg"
"""Folder of ``data/raw`` holding the GOV.UK gender pay gap downloads (dataset ``"gpg"``)."""


def _absolute(path: str | Path, base: str | Path | None = None) -> Path:
    """``path`` made absolute against ``base`` (default: the working directory); ``~`` expanded."""
    candidate = Path(path).expanduser()
    if candidate.is_absolute():
        return candidate
    return Path(base if base is not None else Path.cwd()) / candidate


def _gpg_files() -> tuple[Path, ...]:
    """The files behind the ``gpg`` dataset: the GOV.UK downloads and the council check extract."""
    from research.data.gpg_files import input_files  # listing only: no readers, no pandera

    if not (raw_dir() / GPG_FOLDER).is_dir():
        return ()
    return tuple(input_files("gpg"))


@dataclass(frozen=True)
class Resolved:
    """What a dataset reference names, found once (see :func:`resolve`).

    Attributes
    ----------
    reference
        The reference as given (filter included).
    kind
        ``synthetic``, ``bundled``, ``processed``, ``file`` or ``gpg``.
    spec
        The reference without its filter; for a file, its absolute path.
    filter
        ``{column: values}`` of a ``?column=value`` filter (empty: none).
    path
        The file read: the raw file of a bundled dataset, the Parquet file of a processed one,
        the file itself (absolute); ``None`` for synthetic and gpg data.
    mapping
        The column mapping file (absolute), when one applies.
    files
        Every file the data depend on, absolute, for SHA-256 hashes in run manifests.
    options
        Generator options of a synthetic spec.
    """

    reference: str
    kind: str
    spec: str
    filter: dict[str, tuple[str, ...]] = field(default_factory=dict)
    path: Path | None = None
    mapping: Path | None = None
    files: tuple[Path, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def argument(self) -> str:
        """The reference to hand to a kernel: a file's absolute path (filter kept), else as given."""
        if self.kind != "file":
            return self.reference
        return self.spec + self._filter_text

    @property
    def _filter_text(self) -> str:
        """The ``?column=value`` part of the reference as written (``""`` without a filter)."""
        if not self.filter:
            return ""
        return self.reference[self.reference.rindex(FILTER_SEPARATOR) :]

    @property
    def description(self) -> str:
        """What the reference is, in words (filter included)."""
        if self.kind == "synthetic" and "years" in self.options:
            text = (
                f"synthetic council followed over {self.options['years']} years: linked annual "
                f"snapshots with known flow rates, for notebook 70 ({self.options})"
            )
        elif self.kind == "synthetic":
            text = f"synthetic council workforce ({self.options})"
        elif self.kind == "bundled":
            text = BUNDLED[self.spec].description
        elif self.kind == "processed":
            text = f"processed dataset {self.spec}"
        elif self.kind == "gpg":
            text = "GOV.UK gender pay gap service downloads in data/raw/gpg"
        else:
            kind = "folder" if self.path is not None and self.path.is_dir() else "file"
            text = f"{kind} {relative_to_root(self.spec)}"
        if self.filter:
            where = " and ".join(f"{c} in {list(v)}" for c, v in self.filter.items())
            text = f"{text}, rows where {where}"
        return text

    @property
    def display_name(self) -> str:
        """A short label for reports: the name, or the path relative to the project (filter kept)."""
        if self.kind != "file":
            return self.reference
        return relative_to_root(self.spec) + self._filter_text


def _resolve_mapping(mapping: str | Path, base: str | Path | None) -> Path:
    """A mapping file (absolute): a path relative to ``base``, or a shipped mapping name.

    Only finds the file (no YAML is read, so validation stays fast); the kernel's ingest reads it.
    """
    candidate = _absolute(mapping, base)
    if candidate.is_file():
        return candidate.resolve()
    shipped = mappings_dir() / f"{mapping}.yaml"
    if shipped.is_file():
        return shipped.resolve()
    names = sorted(p.stem for p in mappings_dir().glob("*.yaml"))
    raise DatasetError(
        f"Mapping file {str(mapping)!r} not found (tried {candidate}). Give the path of a YAML "
        f"mapping (see README 'Adding your own data') or a shipped mapping name: {', '.join(names)}."
    )


def resolve(
    reference: str | Path,
    mapping: str | Path | None = None,
    base: str | Path | None = None,
) -> Resolved:
    """Find what a dataset reference names, without loading it: the one resolver of the project.

    Parameter validation (before a kernel starts), :func:`load_dataset` (in the kernel),
    :func:`input_files`, :func:`describe` and :func:`display_name` all go through it.

    Parameters
    ----------
    reference
        ``"synthetic[:options]"``, a bundled name, a processed dataset name, ``"gpg"``, or a file
        path, optionally followed by a ``?column=value`` filter.
    mapping
        Column mapping for a file (a YAML path, relative to ``base``, or a shipped mapping name).
    base
        Folder relative paths are taken from (default: the working directory).

    Raises
    ------
    DatasetError
        For an unknown name or missing file (naming the path tried and what is allowed), a bad
        synthetic option or filter, or a mapping that cannot be found.
    """
    ref = str(reference)
    spec, filters = split_filter(ref, base)
    if is_synthetic(spec):
        return Resolved(ref, "synthetic", spec, filters, options=parse_synthetic_spec(spec))
    if spec in BUNDLED and mapping is None:  # names first, then files
        bundled = BUNDLED[spec]
        shipped = _resolve_mapping(bundled.mapping, None)
        files = (bundled.path.resolve(), shipped)
        return Resolved(ref, "bundled", spec, filters, bundled.path, shipped, files)
    parquet = processed_dir() / f"{spec}.parquet"
    if mapping is None and parquet.exists():
        return Resolved(ref, "processed", spec, filters, parquet, None, (parquet.resolve(),))
    if spec == GPG_FOLDER and mapping is None:
        return Resolved(ref, "gpg", spec, filters, files=_gpg_files())
    candidate = _absolute(spec, base)
    if not candidate.exists():
        raise DatasetError(
            f"Unknown dataset {spec!r}. Allowed: {', '.join(named_datasets())}, "
            "'synthetic:key=value,...', or the path of an existing file (with a mapping); "
            f"no file {candidate} exists."
        )
    path = candidate.resolve()
    mapping_path = _resolve_mapping(mapping, base) if mapping is not None else None
    if path.is_dir():
        # A folder of yearly files: the mapping's ``files`` patterns say which are read.
        found = folder_files(path, mapping_path) if mapping_path else ()
        files = (*found, mapping_path) if mapping_path else ()
        return Resolved(ref, "file", str(path), filters, path, mapping_path, files)
    files = (path, mapping_path) if mapping_path else (path,)
    return Resolved(ref, "file", str(path), filters, path, mapping_path, files)


def folder_files(folder: Path, mapping: Path) -> tuple[Path, ...]:
    """The files of ``folder`` that the mapping's ``files`` patterns select (sorted), read
    without validating the whole mapping.

    Raises
    ------
    DatasetError
        When the mapping has no ``files`` patterns or no file matches.
    """
    import yaml

    try:
        spec = yaml.safe_load(mapping.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        spec = {}
    patterns = spec.get("files") if isinstance(spec, dict) else None
    patterns = [patterns] if isinstance(patterns, str) else list(patterns or [])
    if not patterns:
        raise DatasetError(
            f"Dataset {folder} is a folder: give one file, or add files: (a file-name pattern such "
            f'as files: "payroll_*.csv") to the mapping {mapping} so that each matching file is '
            "ingested as one snapshot of the dataset."
        )
    found = sorted(
        {p.resolve() for pattern in patterns for p in folder.glob(str(pattern)) if p.is_file()}
    )
    if not found:
        raise DatasetError(
            f"No file in {folder} matches files: {patterns} of the mapping {mapping}. Correct "
            "the pattern or the folder."
        )
    return tuple(found)


def describe(name_or_path: str) -> str:
    """Check that a dataset reference can be loaded, without loading it; return what it is.

    See :func:`resolve`. A filter (``?column=value``) is checked for its syntax and column names only.
    """
    return resolve(name_or_path).description


def _load_synthetic(spec: str) -> Dataset:
    from research.data import synth

    options = parse_synthetic_spec(spec)
    if "years" in options:
        return _load_synthetic_flows(spec, options)
    data = synth.generate(**options)
    n = len(data)
    summary = {
        "dataset": spec,
        "description": "Synthetic English council workforce with known segregation and pay gap"
        + (f" ({synth.make_shape(options['shape']).description})" if "shape" in options else ""),
        "currency": "GBP",
        "full_time_hours": 37.0,
        "generator": options,
        "counts": {"read": n, "accepted": n, "quarantined": 0},
        "problems": [],
    }
    return Dataset(spec, data, summary)


def _load_synthetic_flows(spec: str, options: dict[str, Any]) -> Dataset:
    from research.data import synth_flows

    data = synth_flows.generate_flows(**options).data
    n = len(data)
    summary = {
        "dataset": spec,
        "description": "Synthetic English council workforce followed over "
        f"{options['years']} years (linked annual snapshots with known flow rates)",
        "currency": "GBP",
        "full_time_hours": 37.0,
        "generator": options,
        "counts": {"read": n, "accepted": n, "quarantined": 0},
        "problems": [],
    }
    return Dataset(spec, data, summary)


def _read_processed(name: str, folder: Path | None = None) -> Dataset:
    from research.data import ingest as ingest_mod

    paths = ingest_mod.output_paths(name, folder)
    summary = (
        json.loads(paths["summary"].read_text(encoding="utf-8"))
        if paths["summary"].exists()
        else {}
    )
    quarantine = (
        pd.read_csv(paths["quarantine"], dtype="string")
        if paths["quarantine"].exists()
        else pd.DataFrame()
    )
    data = pd.read_parquet(paths["data"])
    mapping_path = summary.get("mapping", {}).get("path")
    inputs = _source_paths(summary) + ((Path(mapping_path),) if mapping_path else ())
    return Dataset(
        name, data, summary or _plain_summary(name, data), quarantine, inputs or (paths["data"],)
    )


def _plain_summary(name: str, data: pd.DataFrame) -> dict[str, Any]:
    n = len(data)
    return {"dataset": name, "counts": {"read": n, "accepted": n, "quarantined": 0}, "problems": []}


def _is_current(paths: dict[str, Path], source: Path, mapping_path: Path) -> bool:

    if not (paths["data"].exists() and paths["summary"].exists()):
        return False
    summary = json.loads(paths["summary"].read_text(encoding="utf-8"))
    return summary.get("source", {}).get("sha256") == sha256_file(source) and summary.get(
        "mapping", {}
    ).get("sha256") == sha256_file(mapping_path)


def ingest_bundled(name: str, *, force: bool = False) -> dict[str, Path]:
    """Ingest a bundled dataset into ``data/processed`` unless it is already current."""
    from research.data import ingest as ingest_mod
    from research.data.mapping import load_mapping

    bundled = BUNDLED[name]
    mapping = load_mapping(bundled.mapping)
    paths = ingest_mod.output_paths(name)
    if force or not _is_current(paths, bundled.path, mapping.path):
        ingest_mod.write(ingest_mod.ingest(bundled.path, mapping), name)
    else:  # written by an earlier version, perhaps readable by others: private now
        for path in paths.values():
            if path.exists():
                path.chmod(ingest_mod.PRIVATE_MODE)
    return paths


def _from_file(path: Path, mapping: Path | None, name: str) -> Dataset:
    from research.data import ingest as ingest_mod

    if mapping is None and path.is_dir():
        raise DatasetError(
            f"Dataset {path} is a folder: give a column mapping whose files: pattern selects the "
            'yearly files, e.g. -p mapping my_mapping.yaml with files: "payroll_*.csv" in it '
            "(see README 'Adding your own data')."
        )
    if mapping is None:
        if path.suffix.lower() in {".parquet", ".pq"}:
            data = ingest_mod.conform(pd.read_parquet(path))
            return Dataset(name, data, _plain_summary(path.stem, data), inputs=(path,))
        raise DatasetError(
            f"{path} is not in the canonical schema: give a column mapping, e.g. "
            f"load({str(path)!r}, mapping='my_mapping.yaml') or -p mapping my_mapping.yaml "
            "(see README 'Adding your own data')."
        )
    result = ingest_mod.ingest(path, mapping)
    read = _source_paths(result.summary) or (path,)
    inputs = (
        (*read, Path(result.summary["mapping"]["path"]))
        if result.summary["mapping"]["path"]
        else read
    )
    return Dataset(name, result.data, result.summary, result.quarantine, inputs)


def _source_paths(summary: dict[str, Any]) -> tuple[Path, ...]:
    """The files an ingest summary says were read (each file of a multi-file extract)."""
    source = summary.get("source", {})
    if source.get("files"):
        return tuple(Path(f["path"]) for f in source["files"])
    return (Path(source["path"]),) if source.get("path") else ()


def _load_whole(found: Resolved) -> Dataset:
    """The dataset ``found`` names, before its filter."""
    if found.kind == "synthetic":
        return _load_synthetic(found.spec)
    if found.kind == "bundled":
        ingest_bundled(found.spec)
        return _read_processed(found.spec)
    if found.kind == "processed":
        return _read_processed(found.spec)
    if found.kind == "file" and found.path is not None:
        return _from_file(found.path, found.mapping, found.reference)
    raise DatasetError(
        f"Dataset {found.reference!r} is not a workforce table; it is read by its own topic "
        "(e.g. research.data.gpg.load for 'gpg')."
    )


def load_dataset(
    name_or_path: str | Path, mapping: str | Path | None = None, *, base: str | Path | None = None
) -> Dataset:
    """Load a dataset with its ingest summary, quarantine and input files.

    Parameters
    ----------
    name_or_path
        ``"synthetic"`` (options after a colon), a bundled name (``"cincinnati"``), a processed
        dataset name, or a file path; optionally with a ``?column=value`` filter.
    mapping
        Column mapping (YAML path or shipped mapping name) for a file path; not needed for names.
    base
        Folder relative paths are taken from (default: the working directory).
    """
    found = resolve(name_or_path, mapping, base)
    whole = _load_whole(found)
    if not found.filter:
        return Dataset(found.reference, whole.data, whole.summary, whole.quarantine, whole.inputs)
    data = apply_filter(whole.data, found.filter, found.reference)
    summary = {
        **whole.summary,
        "filter": {
            "dataset": found.reference.partition(FILTER_SEPARATOR)[0],
            "where": {c: list(v) for c, v in found.filter.items()},
            "rows_before": len(whole.data),
            "rows_after": len(data),
        },
    }
    return Dataset(found.reference, data, summary, whole.quarantine, whole.inputs)


def load(name_or_path: str | Path, mapping: str | Path | None = None) -> pd.DataFrame:
    """Load a dataset as a canonical workforce table (see :func:`load_dataset`)."""
    return load_dataset(name_or_path, mapping).data


def input_files(
    name_or_path: str, mapping: str | Path | None = None, base: str | Path | None = None
) -> list[Path]:
    """Files a dataset reference depends on, for SHA-256 hashes in run manifests."""
    return [f for f in resolve(name_or_path, mapping, base).files if f.exists()]


def display_name(name_or_path: str) -> str:
    """A short label for reports: the name, or a path relative to the project (filter kept)."""
    try:
        return resolve(name_or_path).display_name
    except DatasetError:
        return str(name_or_path)
