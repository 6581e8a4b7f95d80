"""Design matrices for the decomposition methods: named covariates in, numbered columns out.

A covariate list names columns of the data in the roles of regressors. Numeric (and boolean)
columns enter as they are; categorical columns (pandas ``category``, strings, objects) are expanded
into dummy variables for every observed level except a base level; ``"a:b"`` is the interaction
of ``a`` and ``b`` (products of their expanded columns, as R's ``a:b`` with treatment contrasts).
A constant ``_cons`` is always the first column.

Dummy sets can be *normalised* (Gardeazabal and Ugidos 2004; Yun 2005): the coefficients of a set
of ``K`` category dummies (the base category's coefficient being 0) are re-expressed as deviations
from their mean, and the base category gets its own column, so that a detailed decomposition does
not depend on which category was left out. With ``c = (1/K) sum_k b_k`` over the full set,

.. math:: \\tilde b_k = b_k - c, \\qquad \\tilde b_{base} = -c, \\qquad \\tilde b_0 = b_0 + c,

and ``x_base = 1 - sum_k x_k``. The map ``b -> b~`` is linear (:attr:`Expansion.T`) with a left
inverse (:attr:`Expansion.T_inv`), and ``x~' b~ = x' b`` for every row, so aggregate results are
unchanged.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research.core.checks import InputError, require_columns

CONSTANT = "_cons"
_MAX_LISTED = 8


def listed(values: Iterable[object], limit: int = _MAX_LISTED) -> str:
    """``'a', 'b' and 3 more`` for error messages."""
    items = [repr(v) for v in values]
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def is_categorical(series: pd.Series) -> bool:
    """True for category, string and object columns (booleans and numbers enter as numbers)."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return False
    return not pd.api.types.is_numeric_dtype(dtype)


def observed_levels(series: pd.Series) -> list[Hashable]:
    """Levels present in ``series``: category order for categoricals, else sorted."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        present = set(series.dropna().unique())
        return [c for c in series.cat.categories if c in present]
    values = pd.unique(series.dropna())
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)


def parse_term(term: str) -> tuple[str, ...]:
    """``"a:b"`` -> ``("a", "b")``; a plain name -> ``(name,)``."""
    if not isinstance(term, str) or not term.strip():
        raise InputError(f"Covariate names must be non-empty strings, got {term!r}.")
    parts = tuple(p.strip() for p in term.split(":"))
    if any(not p for p in parts):
        raise InputError(f"Interaction {term!r} has an empty part; write it as 'a:b'.")
    return parts


@dataclass(frozen=True)
class Column:
    """One design column: its term (covariate or interaction) and, for dummies, its level."""

    term: str
    level: str = ""

    @property
    def label(self) -> str:
        return f"{self.term}: {self.level}" if self.level else self.term


@dataclass(frozen=True)
class Design:
    """A design matrix with named columns (the constant first).

    Attributes
    ----------
    matrix
        ``n x p`` float64 design, column 0 the constant.
    columns
        Term and level of each column.
    terms
        Covariate terms in the order given (without the constant).
    levels
        For each categorical covariate: its observed levels (base first) as text.
    bases
        For each categorical covariate: its base level as text.
    categorical_parts
        For each term: the categorical covariates it involves (for cell checks).
    """

    matrix: np.ndarray
    columns: tuple[Column, ...]
    terms: tuple[str, ...]
    levels: dict[str, list[str]] = field(default_factory=dict)
    bases: dict[str, str] = field(default_factory=dict)
    categorical_parts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def labels(self) -> list[str]:
        return [c.label for c in self.columns]

    def term_columns(self, term: str) -> list[int]:
        return [i for i, c in enumerate(self.columns) if c.term == term]


def check_frame(
    data: pd.DataFrame,
    *,
    outcome: str | None,
    covariates: Sequence[str],
    group: str | None = None,
    weights: str | None = None,
    extra: Sequence[str] = (),
) -> list[str]:
    """Check roles at the door; return the distinct variables the covariate terms use.

    Raises :class:`InputError` for a missing column, a missing value in a used column, a
    non-numeric outcome or non-finite numbers, naming the column and the fix.
    """
    if isinstance(covariates, str):
        raise InputError(
            f"covariates must be a list of column names, not a string; use [{covariates!r}]."
        )
    variables: list[str] = []
    for term in covariates:
        for part in parse_term(term):
            if part not in variables:
                variables.append(part)
    if CONSTANT in variables:
        raise InputError(f"{CONSTANT!r} is added automatically; leave it out of covariates.")
    require_columns(data, [outcome], role="outcome")
    require_columns(data, variables, role="covariate")
    require_columns(data, [group], role="group")
    require_columns(data, [weights], role="weights")
    require_columns(data, list(extra))
    if len(data) == 0:
        raise InputError("The data have no rows: nothing to decompose.")
    used = [c for c in [outcome, group, weights, *variables, *extra] if c is not None]
    for column in dict.fromkeys(used):
        missing = int(data[column].isna().sum())
        if missing:
            raise InputError(
                f"Column {column!r} has {missing} missing value(s). Drop or impute those rows "
                "first (e.g. data.dropna(subset=[...])); decompositions need complete cases."
            )
    for column in [outcome, weights]:
        if column is None:
            continue
        if not pd.api.types.is_numeric_dtype(data[column]) or pd.api.types.is_bool_dtype(
            data[column]
        ):
            raise InputError(f"Column {column!r} must be numeric, got {data[column].dtype}.")
        values = data[column].to_numpy(dtype=np.float64)
        if not np.isfinite(values).all():
            raise InputError(
                f"Column {column!r} has infinite values in {int((~np.isfinite(values)).sum())} "
                "rows (a log of zero pay?). Drop those rows first."
            )
    if weights is not None:
        values = data[weights].to_numpy(dtype=np.float64)
        if (values <= 0).any():
            raise InputError(
                f"Weights in {weights!r} must be positive; {int((values <= 0).sum())} rows are not. "
                "Drop rows with zero weight first."
            )
    for column in variables:
        if not is_categorical(data[column]):
            values = data[column].to_numpy(dtype=np.float64)
            if not np.isfinite(values).all():
                raise InputError(f"Covariate {column!r} has infinite values; fix them first.")
    return variables


def build_design(
    data: pd.DataFrame,
    covariates: Sequence[str],
    *,
    base: Mapping[str, Hashable] | None = None,
) -> Design:
    """Expand ``covariates`` of ``data`` into a design matrix (see the module docstring).

    Parameters
    ----------
    data
        Rows to analyse (already checked with :func:`check_frame`).
    covariates
        Column names; ``"a:b"`` for an interaction.
    base
        Base (omitted) level for categorical covariates, by column; default the first observed
        level (category order, else sorted).
    """
    base = dict(base or {})
    n = len(data)
    variables: list[str] = []
    for term in covariates:
        variables += [p for p in parse_term(term) if p not in variables]
    unknown = [k for k in base if k not in variables]
    if unknown:
        raise InputError(f"base names {listed(unknown)}, which are not covariates.")
    blocks: dict[str, tuple[np.ndarray, list[str]]] = {}
    levels: dict[str, list[str]] = {}
    bases: dict[str, str] = {}
    for name in variables:
        series = data[name]
        if is_categorical(series):
            found = observed_levels(series)
            if name in base:
                wanted = base[name]
                matches = [lv for lv in found if lv == wanted or str(lv) == str(wanted)]
                if not matches:
                    raise InputError(
                        f"Base level {wanted!r} of {name!r} is not in the data; levels are "
                        f"{listed(found)}."
                    )
                chosen = matches[0]
            else:
                chosen = found[0]
            order = [chosen] + [lv for lv in found if lv != chosen]
            codes = pd.Categorical(series, categories=order).codes
            dummies = (codes[:, None] == np.arange(1, len(order))[None, :]).astype(np.float64)
            labels = [str(lv) for lv in order]
            blocks[name] = (dummies, labels[1:])
            levels[name] = labels
            bases[name] = labels[0]
        else:
            blocks[name] = (series.to_numpy(dtype=np.float64).reshape(n, 1), [""])
    columns = [Column(CONSTANT)]
    matrices = [np.ones((n, 1))]
    parts_of: dict[str, tuple[str, ...]] = {}
    seen_terms: list[str] = []
    for term in covariates:
        parts = parse_term(term)
        name = ":".join(parts)
        if name in seen_terms:
            raise InputError(f"Covariate {name!r} is listed twice.")
        seen_terms.append(name)
        parts_of[name] = tuple(p for p in parts if p in levels)
        matrix, labels = blocks[parts[0]]
        for part in parts[1:]:
            other, other_labels = blocks[part]
            matrix = (matrix[:, :, None] * other[:, None, :]).reshape(n, -1)
            labels = [
                ":".join(x for x in (a, b) if x) if (a or b) else ""
                for a in labels
                for b in other_labels
            ]
        matrices.append(matrix)
        columns += [Column(name, lab) for lab in labels]
    return Design(
        matrix=np.hstack(matrices) if matrices else np.ones((n, 1)),
        columns=tuple(columns),
        terms=tuple(seen_terms),
        levels=levels,
        bases=bases,
        categorical_parts=parts_of,
    )


# --------------------------------------------------------------------------------------------
# Dummy-set normalisation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DummySet:
    """A set of category dummies to normalise: design column indices and the base's label."""

    name: str
    indices: tuple[int, ...]
    base: Column


@dataclass(frozen=True)
class Expansion:
    """The linear maps between design coefficients and normalised (expanded) coefficients.

    ``x~ = A x + a`` for a row or a mean of the design, ``b~ = T b``, ``b = T_inv b~``; without
    normalisation all are identities. ``groups`` maps each expanded column to the covariate (term or
    dummy-set name) it belongs to, for per-variable totals.
    """

    columns: tuple[Column, ...]
    A: np.ndarray
    a: np.ndarray
    T: np.ndarray
    T_inv: np.ndarray
    groups: tuple[str, ...]
    sets: tuple[DummySet, ...] = ()

    @property
    def q(self) -> int:
        return len(self.columns)

    def x(self, values: np.ndarray) -> np.ndarray:
        """Expand design rows or means (last axis ``p``) to the normalised columns."""
        return values @ self.A.T + self.a

    def b(self, coefs: np.ndarray) -> np.ndarray:
        """Normalise coefficients (last axis ``p``)."""
        return coefs @ self.T.T

    def cov(self, matrix: np.ndarray) -> np.ndarray:
        """Covariance of normalised coefficients from that of design coefficients."""
        return self.T @ matrix @ self.T.T

    def cov_x(self, matrix: np.ndarray) -> np.ndarray:
        """Covariance of expanded means from that of design means."""
        return self.A @ matrix @ self.A.T


def resolve_normalize(
    design: Design,
    normalize: bool | Sequence[str | Sequence[str]] | Mapping[str, Sequence[str]] | None,
) -> list[DummySet]:
    """Turn the ``normalize=`` argument into dummy sets (see :func:`oaxaca_blinder`)."""
    if normalize is None or normalize is False:
        return []
    categorical_terms = [t for t in design.terms if t in design.levels]
    if normalize is True:
        items: list[tuple[str | None, str | Sequence[str]]] = [(t, t) for t in categorical_terms]
    elif isinstance(normalize, Mapping):
        items = [(str(k), v) for k, v in normalize.items()]
    elif isinstance(normalize, str):
        items = [(normalize, normalize)]
    else:
        items = [(None, item) for item in normalize]
    sets: list[DummySet] = []
    used: set[int] = set()
    for name, item in items:
        if isinstance(item, str):
            if item not in design.terms:
                raise InputError(
                    f"normalize names {item!r}, which is not a covariate; covariates are "
                    f"{listed(design.terms)}."
                )
            if item not in design.levels:
                raise InputError(
                    f"normalize names {item!r}, which is not categorical (interactions and numbers "
                    "cannot be normalised); give categorical covariates or sets of 0/1 dummy columns."
                )
            indices = tuple(design.term_columns(item))
            base = Column(item, design.bases[item])
            label = name or item
        else:
            cols = list(item)
            if len(cols) < 1:
                raise InputError("A dummy set to normalise needs at least one column.")
            missing = [c for c in cols if c not in design.terms or c in design.levels]
            if missing:
                raise InputError(
                    f"Dummy set {cols} names {listed(missing)}, which are not numeric covariates. "
                    "List 0/1 dummy columns that are in covariates (leave the base category out)."
                )
            indices = tuple(design.term_columns(c)[0] for c in cols)
            block = design.matrix[:, list(indices)]
            if not np.isin(block, (0.0, 1.0)).all():
                raise InputError(f"Dummy set {cols} must hold only 0 and 1.")
            sums = block.sum(axis=1)
            if (sums > 1).any():
                raise InputError(
                    f"Dummy set {cols}: {int((sums > 1).sum())} rows have more than one dummy "
                    "equal to 1; a set must describe one categorical variable."
                )
            if (sums == 1).all():
                raise InputError(
                    f"Dummy set {cols} includes every category (each row has one 1); leave the "
                    "base category out of covariates and the set."
                )
            label = name or "+".join(cols)
            base = Column(label, "(base)")
        if used.intersection(indices):
            raise InputError(f"Dummy set {label!r} overlaps another normalised set.")
        used.update(indices)
        sets.append(DummySet(label, indices, base))
    return sets


def expansion(design: Design, sets: Sequence[DummySet]) -> Expansion:
    """Build the maps of :class:`Expansion` for ``design`` and the normalised ``sets``."""
    p = len(design.columns)
    first_of = {s.indices[0]: s for s in sets}
    set_of = {i: s for s in sets for i in s.indices}
    columns: list[Column] = []
    groups: list[str] = []
    rows_a: list[np.ndarray] = []
    offsets: list[float] = []
    rows_t: list[np.ndarray] = []
    position: dict[int, int] = {}
    base_position: dict[str, int] = {}
    for j, column in enumerate(design.columns):
        if j in first_of:
            s = first_of[j]
            base_position[s.name] = len(columns)
            columns.append(s.base)
            groups.append(s.name)
            row = np.zeros(p)
            row[list(s.indices)] = -1.0
            rows_a.append(row)
            offsets.append(1.0)
            row_t = np.zeros(p)
            row_t[list(s.indices)] = -1.0 / (len(s.indices) + 1)
            rows_t.append(row_t)
        position[j] = len(columns)
        columns.append(column)
        groups.append(set_of[j].name if j in set_of else column.term)
        row = np.zeros(p)
        row[j] = 1.0
        rows_a.append(row)
        offsets.append(0.0)
        row_t = np.zeros(p)
        row_t[j] = 1.0
        if j in set_of:
            row_t[list(set_of[j].indices)] -= 1.0 / (len(set_of[j].indices) + 1)
        if j == 0:
            for s in sets:
                row_t[list(s.indices)] += 1.0 / (len(s.indices) + 1)
        rows_t.append(row_t)
    q = len(columns)
    T_inv = np.zeros((p, q))
    for j in range(p):
        T_inv[j, position[j]] = 1.0
        if j in set_of:
            T_inv[j, base_position[set_of[j].name]] = -1.0
    for s in sets:
        T_inv[0, base_position[s.name]] = 1.0
    return Expansion(
        columns=tuple(columns),
        A=np.array(rows_a).reshape(q, p),
        a=np.array(offsets),
        T=np.array(rows_t).reshape(q, p),
        T_inv=T_inv,
        groups=tuple(groups),
        sets=tuple(sets),
    )


# --------------------------------------------------------------------------------------------
# Categories present in one group only
# --------------------------------------------------------------------------------------------


def cell_codes(data: pd.DataFrame, parts: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Integer cell of each row for the categorical covariates ``parts``, and the cells' labels
    (``"a=x, b=y"``)."""
    codes = np.zeros(len(data), dtype=np.int64)
    uniques_all = []
    span = 1
    for part in parts:
        c, uniques = pd.factorize(data[part], sort=False)
        codes = codes * (len(uniques) + 1) + c
        span *= len(uniques) + 1
        uniques_all.append(uniques)
    cells, inverse = dense_codes(codes, span)
    labels = []
    for cell in cells:
        pieces = []
        rest = int(cell)
        for part, uniques in zip(reversed(parts), reversed(uniques_all), strict=True):
            rest, k = divmod(rest, len(uniques) + 1)
            pieces.append(f"{part}={uniques[k]}")
        labels.append(", ".join(reversed(pieces)))
    return inverse.reshape(-1), labels


def one_sided_cells(
    data: pd.DataFrame,
    design: Design,
    in_a: np.ndarray,
    dummy_columns: Sequence[str] = (),
) -> pd.DataFrame:
    """Categories (and interaction cells) present in one group only.

    Returns a tidy table: ``variable``, ``category``, ``present_in`` (``"A"`` or ``"B"``) and
    ``rows`` (how many rows of that group are in it); ``frame.attrs["mask"]`` flags their rows.
    """
    records = []
    mask = np.zeros(len(data), dtype=bool)
    for term, parts in design.categorical_parts.items():
        if not parts:
            continue
        codes, labels = cell_codes(data, parts)
        count_a = np.bincount(codes[in_a], minlength=len(labels))
        count_b = np.bincount(codes[~in_a], minlength=len(labels))
        lonely = np.flatnonzero((count_a == 0) | (count_b == 0))
        for k in lonely:
            side = "A" if count_a[k] > 0 else "B"
            rows = int(count_a[k] if side == "A" else count_b[k])
            records.append(
                {"variable": term, "category": labels[k], "present_in": side, "rows": rows}
            )
        mask |= np.isin(codes, lonely)
    for column in dummy_columns:
        values = data[column].to_numpy(dtype=np.float64)
        ones_a = int(((values == 1) & in_a).sum())
        ones_b = int(((values == 1) & ~in_a).sum())
        if (ones_a == 0) != (ones_b == 0):
            side = "A" if ones_a else "B"
            records.append(
                {
                    "variable": column,
                    "category": f"{column}=1",
                    "present_in": side,
                    "rows": ones_a or ones_b,
                }
            )
            mask |= values == 1
    table = pd.DataFrame(records, columns=["variable", "category", "present_in", "rows"])
    table.attrs["mask"] = mask
    return table


def dependent_columns(matrix: np.ndarray, labels: Sequence[str], tol: float = 1e-9) -> list[str]:
    """Labels of columns that are linear combinations of earlier ones (pivoted QR on scaled X)."""
    if matrix.shape[0] == 0:
        return list(labels)
    scale = np.sqrt((matrix**2).mean(axis=0))
    scale[scale == 0] = 1.0
    scaled = matrix / scale
    dependent: list[str] = []
    kept: list[int] = []
    basis = np.zeros((matrix.shape[0], 0))
    for j in range(matrix.shape[1]):
        column = scaled[:, j]
        if basis.shape[1]:
            column = column - basis @ (basis.T @ column)
            column = column - basis @ (basis.T @ column)
        norm = np.linalg.norm(column)
        if norm <= tol * max(1.0, np.linalg.norm(scaled[:, j])) or norm < tol:
            dependent.append(labels[j])
        else:
            kept.append(j)
            basis = np.column_stack([basis, column / norm])
    return dependent


# --------------------------------------------------------------------------------------------
# Cells: the distinct covariate patterns
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cells:
    """Rows grouped by their covariate pattern.

    ``cell[i]`` is the cell of row ``i``; ``first[c]`` a row of cell ``c`` (every row of a cell has
    the same design row). With categorical covariates the cells are far fewer than the rows, so
    design matrices and cross products are built per cell, with each cell's (weighted) count.
    """

    cell: np.ndarray
    first: np.ndarray

    @property
    def size(self) -> int:
        return int(self.first.size)


def dense_codes(key: np.ndarray, span: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(key, return_inverse=True)`` for non-negative integers below ``span``: the
    distinct values in increasing order and each row's position among them, without a sort
    when ``span`` is not much larger than the number of rows."""
    if span > 4 * key.size + 1_000_000 or (key.size and key.min() < 0):
        uniques, inverse = np.unique(key, return_inverse=True)
        return uniques, inverse.reshape(-1)
    present = np.zeros(span, dtype=bool)
    present[key] = True
    ids = np.cumsum(present) - 1
    return np.flatnonzero(present), ids[key]


def collapse(data: pd.DataFrame, covariates: Sequence[str]) -> Cells | None:
    """The cells of the covariate patterns of ``data`` when every covariate is categorical
    (interactions of categorical covariates included), else ``None`` (one cell per row).

    Cells are numbered in the order of the combined category codes, so the numbering depends on
    the data only, not on the order of the rows.
    """
    variables: list[str] = []
    for term in covariates:
        variables += [p for p in parse_term(term) if p not in variables]
    n = len(data)
    if any(not is_categorical(data[v]) for v in variables):
        return None
    key = np.zeros(n, dtype=np.int64)
    span = 1
    for name in variables:
        codes, uniques = pd.factorize(data[name], sort=False)
        k = max(len(uniques), 1)
        if span * k > 2**62:  # pragma: no cover - far beyond any workforce
            return None
        key *= k
        key += codes
        span *= k
    _, cell = dense_codes(key, span)
    size = int(cell.max()) + 1 if n else 0
    del key
    first = np.empty(size, dtype=np.int64)
    first[cell[::-1]] = np.arange(n - 1, -1, -1)  # the first row of each cell
    return Cells(cell, first)


def cell_design(
    data: pd.DataFrame,
    covariates: Sequence[str],
    *,
    base: Mapping[str, Hashable] | None = None,
) -> tuple[Design, Cells | None]:
    """The design of one row per cell (with the cells), or of every row when a covariate is
    numeric (then cells are ``None``).

    Every level present in ``data`` is present in the cells' rows, so levels, bases and columns
    are those of ``build_design(data, covariates)``; each row's design row is
    ``design.matrix[cells.cell[i]]``.
    """
    cells = collapse(data, covariates)
    if cells is None:
        return build_design(data, covariates, base=base), None
    return build_design(data.iloc[cells.first], covariates, base=base), cells
