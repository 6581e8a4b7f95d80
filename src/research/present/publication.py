"""Disclosure control over all the counts of one publication, by linear programming.

:mod:`research.present.disclosure` protects each table on its own. Tables published together can
still give a hidden count away: a grade headcount table that hides a band's 6 women but shows its
total of 225, next to a gap table that shows the band's 219 men, reveals the 6 women. This module
audits every count of a publication together.

Model
-----
Each published count is a :class:`CountCell`: the set of people it counts, described by its
*conditions*, a frozenset of ``(dimension, value)`` pairs over canonical dimensions (for example
``{("grade_group", "03. Grade 3"), ("sex", "F")}``). A margin omits a dimension (the band total is
``{("grade_group", "03. Grade 3")}``), or names a set of values (``("sex", frozenset({"F", "M"}))``)
when it adds up only some of them. A sub-population (employees in the pay comparison, say) is
one more dimension, e.g. ``("in_gap_tables", "yes")``, that the cells of the wider tables omit.

The unknowns are the *atoms*: the numbers of people in each combination of the values of the
dimensions that occur. Every published cell is a linear equation (the sum of its atoms equals its
value) and every atom is non-negative. For each suppressed cell, :func:`audit` computes the least
and the greatest value its sum can take under these constraints with the HiGHS simplex solver
(:mod:`research.present.programme`): the interval an attacker holding every published number can narrow it to. This is the
audit of tau-Argus (Hundepool et al., *Statistical Disclosure Control*, Wiley 2012, section 4.3;
tau-Argus user's manual, "Audit" and "protection levels"), with the LP relaxation as there (the
integer interval is never wider).

Rule
----
A suppressed cell is *exposed* when its feasible interval is narrower than ``min_cell``
(``max - min < min_cell``): the attacker can then place it within a range of fewer than
``min_cell`` people. A cell that can only be 0 is not exposed: it says that nobody is there, as a
published zero does, and zeros are shown (:mod:`research.present.disclosure`). This is the
interval-protection requirement of the GSS/GSR *Disclosure Control Guidance for Tables Produced
from Administrative Sources* (2014, on differencing and "sufficient protection" of suppressed
cells) and the protection interval of tau-Argus, with the
threshold itself as the required interval width.

Size
----
The atoms are not the full cross product of all dimensions. Tables of a report are usually
marginal tables whose dimension sets form an acyclic (decomposable) hypergraph (grade x pattern x
sex, occupation x sex, age x sex, ...). For such a set, non-negative tables that agree on their
shared margins are exactly the margins of some non-negative joint table (the junction-tree
property of decomposable models; Lauritzen, *Graphical Models*, 1996, ch. 3), so the LP keeps one
block of atoms per maximal dimension set and ties the blocks together on their intersections
(the empty intersection gives equal grand totals). Sets that are not acyclic are merged until
they are, which falls back to the cross product only where needed. The constraint matrix is
sparse.

Cross-run ledger
----------------
:func:`audit` takes any iterable of cells: the cells published earlier for the same data (from a
per-dataset ledger) can be added as published cells, and only the cells of this run are candidates
for complementary suppression.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from research.core.checks import InputError
from research.present.disclosure import SUPPRESSED, TOTAL_LABEL, check_min_cell
from research.present.programme import InconsistentCounts, Programme

__all__ = [
    "CountCell",
    "PublicationAudit",
    "PublicationError",
    "SUBSET_PREFIX",
    "audit",
    "crosstab_cells",
    "protect",
    "wide_cells",
]

Condition = tuple[str, Hashable]
#: Dimensions whose name starts with this mark a sub-population (see ``subsets`` of :func:`audit`).
SUBSET_PREFIX = "subset:"
#: The implicit value of a sub-population dimension for the people outside it.
_OUTSIDE = "(outside the sub-population)"
_TOL = 1e-6
# Neighbours tried beyond those whose equations bind the exposed cell.
_TRIALS = 2


class PublicationError(InputError):
    """The counts of a publication cannot be protected (or do not add up)."""


@dataclass(frozen=True)
class CountCell:
    """One published count, described by the people it counts.

    Attributes
    ----------
    conditions
        Frozenset of ``(dimension, value)`` pairs; a value may be a frozenset of values (the cell
        adds up those values). A dimension left out is summed over all its values.
    table, row, column
        Where the cell is published: table name, row position in the table's data, column key.
    value
        The published count, or ``None`` when the cell is suppressed.
    label
        The row's label, for messages (e.g. the grade).
    sensitive
        For a suppressed cell: whether it was hidden for describing fewer than ``min_cell``
        people (primary suppression) and so needs a protection interval. Cells hidden only to
        protect others (complementary suppression) need none (tau-Argus: protection levels are
        set for the unsafe cells).
    """

    conditions: frozenset
    table: str
    row: int
    column: str
    value: int | None
    label: str = ""
    sensitive: bool = True

    @property
    def suppressed(self) -> bool:
        return self.value is None

    @property
    def where(self) -> str:
        """``table 'x', row 'label', column 'n_female'`` (never the value)."""
        row = self.label or f"#{self.row}"
        return f"table {self.table!r}, row {row!r}, column {self.column!r}"

    @property
    def dimensions(self) -> frozenset[str]:
        return frozenset(d for d, _ in self.conditions)


@dataclass(frozen=True)
class PublicationAudit:
    """The result of :func:`audit` (and of :func:`protect`, which adds ``added``).

    Attributes
    ----------
    cells_checked
        Number of published and suppressed cells in the model.
    intervals
        One row per suppressed cell: ``table``, ``row``, ``label``, ``column``, ``low``, ``high``
        (the attacker's feasible interval, LP relaxation), ``width`` and ``exposed``.
    min_cell
        The threshold, also the required interval width.
    added
        Cells hidden by complementary suppression across tables (``where`` strings), in order.
    inherited
        Hidden cells that the fixed counts alone (statutory figures, which must be published,
        and earlier reports of the same data) narrow below ``min_cell``: no cell of this
        publication can widen them, and hiding them here adds nothing to what those give away
        (``where`` strings). They are not counted as exposed; the note says how many there are.
    n_atoms, n_constraints
        Size of the linear programme.
    """

    cells_checked: int
    intervals: pd.DataFrame
    min_cell: int
    added: tuple[str, ...] = ()
    inherited: tuple[str, ...] = ()
    n_atoms: int = 0
    n_constraints: int = 0
    exposed_cells: tuple[CountCell, ...] = field(default=(), repr=False)

    @property
    def n_suppressed(self) -> int:
        return len(self.intervals)

    @property
    def exposed(self) -> pd.DataFrame:
        return self.intervals[self.intervals["exposed"]].reset_index(drop=True)

    def note(self, earlier: int = 0, earlier_hidden: int = 0) -> str:
        """A sentence for a report's closing note; ``earlier`` and ``earlier_hidden`` are the
        counts earlier reports of the same data published and hid, which took part."""
        small = int(self.intervals["sensitive"].sum()) if len(self.intervals) else 0
        own = small - earlier_hidden
        text = f"Disclosure audit across tables: {self.cells_checked} counts checked together"
        if earlier:
            text += f", {earlier} of them published by earlier reports on the same data"
        text += "; "
        if small and earlier_hidden and not own:
            text += (
                f"this report hides no count for being small, and each of the {earlier_hidden} "
                f"counts earlier reports hid for describing fewer than {self.min_cell} people "
                f"can only be narrowed to a range of at least {self.min_cell} people"
            )
        elif small and earlier_hidden:
            text += (
                f"each of the {own} counts this report hides for describing fewer than "
                f"{self.min_cell} people, and of the {earlier_hidden} such counts earlier "
                f"reports hid, can only be narrowed to a range of at least {self.min_cell} people"
            )
        elif small:
            text += (
                f"each of the {small} counts hidden for describing fewer than {self.min_cell} "
                f"people can only be narrowed to a range of at least {self.min_cell} people"
            )
        else:
            text += f"no count describes fewer than {self.min_cell} people, so none is hidden"
        if self.inherited:
            text += f" except {len(self.inherited)}" if small else ""
        if self.added:
            n = len(self.added)
            text += f"; {n} further count{'s were' if n > 1 else ' was'} hidden to ensure this"
        if self.inherited:
            n = len(self.inherited)
            text += (
                f". The {n} excepted {'counts are' if n > 1 else 'count is'} narrowed further by "
                "the statutory figures and earlier reports of the same data alone, whatever this "
                "report shows; it hides them and adds nothing to what those give away"
            )
        return text + "."


# ----------------------------------------------------------------------------- extracting cells


def _count(value: object) -> int | None:
    if isinstance(value, str) and value == SUPPRESSED:
        return None
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    number = float(value)  # type: ignore[arg-type]
    if number < 0 or number != int(number):
        raise PublicationError(f"a published count must be a whole number >= 0, got {value!r}")
    return int(number)


def wide_cells(
    name: str,
    data: pd.DataFrame,
    groups: Mapping[str, str],
    counts: Mapping[str, Mapping[str, Hashable]],
    *,
    common: Iterable[Condition] = (),
) -> list[CountCell]:
    """Cells of a table with one row per group and one count column per sex (or a total).

    Parameters
    ----------
    name
        Table name.
    data
        The table's data (suppressed cells ``"[c]"``).
    groups
        Group column -> canonical dimension, e.g. ``{"grade_group": "grade_group"}``.
    counts
        Count column -> its conditions, e.g. ``{"n_female": {"sex": "F"}, "n_male": {"sex": "M"},
        "n": {}}``.
    common
        Conditions shared by every cell (e.g. the table's sub-population).
    """
    common = frozenset(common)
    cells = []
    for position in range(len(data)):
        row = data.iloc[position]
        keys = frozenset((dim, row[column]) for column, dim in groups.items())
        label = " / ".join(str(row[column]) for column in groups)
        for column, extra in counts.items():
            conditions = keys | common | frozenset(extra.items())
            cells.append(CountCell(conditions, name, position, column, _count(row[column]), label))
    return cells


def crosstab_cells(
    name: str,
    data: pd.DataFrame,
    row_column: str,
    row_dimension: str,
    column_dimension: str,
    column_values: Mapping[str, Hashable],
    *,
    total: str = TOTAL_LABEL,
    common: Iterable[Condition] = (),
    primary: pd.DataFrame | None = None,
) -> list[CountCell]:
    """Cells of a two-way table with margins as :func:`disclosure.suppress_counts` makes it.

    ``primary`` (the ``primary`` mask of :class:`~research.present.disclosure.Suppressed`, rows in
    the order of ``data``) marks the cells hidden for being small; the others hidden in the table
    (secondary suppression) need no protection interval of their own.

    ``data`` has the row labels in ``row_column`` (the last row labelled ``total``), a column per
    entry of ``column_values`` (column key -> value of ``column_dimension``) and a ``total``
    column. Margins add up the listed rows or columns only (a value set), so a table that leaves
    some values out (missing grades, other sexes) is modelled as it is.
    """
    common = frozenset(common)
    labels = data[row_column].tolist()
    body_rows = [label for label in labels if label != total]
    all_rows = frozenset(body_rows)
    all_columns = frozenset(column_values.values())
    cells = []
    for position, label in enumerate(labels):
        row_cond = (row_dimension, all_rows if label == total else label)
        keys = [*column_values.items(), (total, None)]
        for column, value in keys:
            if column not in data:
                continue
            col_cond = (column_dimension, all_columns if column == total else value)
            conditions = frozenset({row_cond, col_cond}) | common
            small = (
                True
                if primary is None or column not in primary
                else bool(primary[column].iloc[position])
            )
            cells.append(
                CountCell(
                    conditions,
                    name,
                    position,
                    column,
                    _count(data[column].iloc[position]),
                    str(label),
                    sensitive=small,
                )
            )
    return cells


# ----------------------------------------------------------------------------- the model


def _acyclic(edges: list[frozenset[str]]) -> bool:
    """GYO reduction: True when the hypergraph of dimension sets is acyclic."""
    work = [set(e) for e in edges]
    while True:
        before = (len(work), sum(len(e) for e in work))
        counts = Counter(v for edge in work for v in edge)
        for edge in work:
            edge -= {v for v in edge if counts[v] == 1}
        work = [
            edge
            for i, edge in enumerate(work)
            if edge
            and not any(edge < other or (edge == other and j < i) for j, other in enumerate(work))
        ]
        if len(work) <= 1:
            return True
        if (len(work), sum(len(e) for e in work)) == before:
            return False


def _cliques(scopes: Iterable[frozenset[str]]) -> list[frozenset[str]]:
    """Maximal dimension sets, merged until they form an acyclic hypergraph."""
    distinct = set(scopes)
    cliques = sorted(
        (s for s in distinct if not any(s < t for t in distinct)), key=lambda s: sorted(s)
    )
    if not cliques:
        return [frozenset()]
    while not _acyclic(cliques):
        # merge the two cliques that share most dimensions (the smallest step towards acyclic)
        pairs = itertools.combinations(range(len(cliques)), 2)
        i, j = max(pairs, key=lambda p: (len(cliques[p[0]] & cliques[p[1]]), -p[0], -p[1]))
        merged = cliques[i] | cliques[j]
        rest = [c for k, c in enumerate(cliques) if k not in (i, j) and not c <= merged]
        cliques = sorted([*rest, merged], key=lambda s: sorted(s))
    return cliques


class _Model:
    """Atoms per clique, the published equations and the consistency equations."""

    def __init__(
        self,
        cells: Sequence[CountCell],
        subsets: Iterable[str] = (),
        given: Mapping[str, Sequence] | None = None,
    ) -> None:
        given = given or {}
        domains: dict[str, list] = {d: list(vs) for d, vs in given.items()}
        closed = {d: set(vs) for d, vs in given.items()}
        for cell in cells:
            for dim, value in cell.conditions:
                values = value if isinstance(value, frozenset) else (value,)
                if dim.startswith(SUBSET_PREFIX) or dim in subsets:
                    domains.setdefault(dim, [_OUTSIDE])
                known = domains.setdefault(dim, [])
                for v in values:
                    if dim in closed and v not in closed[dim]:
                        raise PublicationError(
                            f"{cell.where} counts {dim} {v!r}, which is not a value of {dim} in "
                            "the data: the table's declaration must say which values a label "
                            "covers (members)."
                        )
                    if v not in known:
                        known.append(v)
        self.domains = {d: sorted(vs, key=str) for d, vs in domains.items()}
        self.codes = {d: {v: k for k, v in enumerate(vs)} for d, vs in self.domains.items()}
        self.cliques = _cliques(cell.dimensions for cell in cells)
        self.blocks = []  # (dims, codes array, offset)
        offset = 0
        for clique in self.cliques:
            dims = sorted(clique)
            sizes = [len(self.domains[d]) for d in dims]
            grid = (
                np.stack(np.meshgrid(*[np.arange(s) for s in sizes], indexing="ij"), -1).reshape(
                    -1, len(dims)
                )
                if dims
                else np.zeros((1, 0), dtype=np.int64)
            )
            self.blocks.append((dims, grid, offset))
            offset += len(grid)
        self.n_atoms = offset
        rows, values = [], []
        for i, j in itertools.combinations(range(len(self.blocks)), 2):
            shared = sorted(set(self.blocks[i][0]) & set(self.blocks[j][0]))
            for combo in itertools.product(*[range(len(self.domains[d])) for d in shared]):
                conditions = {d: frozenset({c}) for d, c in zip(shared, combo, strict=True)}
                left = self._atoms(i, conditions)
                right = self._atoms(j, conditions)
                rows.append((np.r_[left, right], np.r_[np.ones(left.size), -np.ones(right.size)]))
                values.append(0.0)
        self.consistency = rows, values
        self._cache: dict[frozenset, np.ndarray] = {}
        published = (c for c in cells if not c.suppressed)
        keys = dict.fromkeys((c.conditions, c.value) for c in published)
        self._rows = {key: len(self.consistency[0]) + k for k, key in enumerate(keys)}
        self._programme: Programme | None = None

    def _atoms(self, block: int, conditions: Mapping[str, frozenset[int]]) -> np.ndarray:
        dims, grid, offset = self.blocks[block]
        mask = np.ones(len(grid), dtype=bool)
        for k, dim in enumerate(dims):
            if dim in conditions:
                mask &= np.isin(grid[:, k], list(conditions[dim]))
        return offset + np.flatnonzero(mask)

    def atoms(self, cell: CountCell) -> np.ndarray:
        """Indices of the atoms a cell adds up (in the first clique that holds its dimensions)."""
        return self.atoms_of(cell.conditions)

    def row_of(self, cell: CountCell) -> int:
        """The programme's row holding a published cell's equation."""
        return self._rows[(cell.conditions, cell.value)]

    def atoms_of(self, cell_conditions: frozenset) -> np.ndarray:
        """:meth:`atoms` of the people ``cell_conditions`` describe (worked out once)."""
        known = self._cache.get(cell_conditions)
        if known is not None:
            return known
        conditions: dict[str, frozenset[int]] = {}
        for dim, value in cell_conditions:
            values = value if isinstance(value, frozenset) else (value,)
            codes = frozenset(self.codes[dim][v] for v in values)
            conditions[dim] = conditions.get(dim, codes) & codes
        block = next(k for k, c in enumerate(self.cliques) if set(conditions) <= c)
        known = self._cache[cell_conditions] = self._atoms(block, conditions)
        return known

    def programme(self, published: Sequence[CountCell]) -> Programme:
        """The programme with exactly the equations of ``published`` holding.

        Its rows are the consistency equations and one equation per distinct published count
        given when the model was made (cells only ever get hidden, never published, so every
        later set of published cells is among them); one HiGHS instance serves every question.
        """
        if self._programme is None:
            self._programme = self._build_programme()
        holds = np.zeros(self._programme.n_rows, dtype=bool)
        holds[[self.row_of(c) for c in published]] = True
        self._programme.hold(holds)
        return self._programme

    def _build_programme(self) -> Programme:
        rows, values = list(self.consistency[0]), list(self.consistency[1])
        for conditions, value in self._rows:
            index = self.atoms_of(conditions)
            rows.append((index, np.ones(index.size)))
            values.append(float(value))
        indptr = np.cumsum([0] + [r[0].size for r in rows])
        indices = np.concatenate([r[0] for r in rows]) if rows else np.array([], dtype=int)
        data = np.concatenate([r[1] for r in rows]) if rows else np.array([])
        matrix = sparse.csr_matrix((data, indices, indptr), shape=(len(rows), self.n_atoms))
        try:
            return Programme(matrix, np.asarray(values), len(self.consistency[0]))
        except InconsistentCounts as error:
            raise PublicationError(str(error)) from None


def _intervals(
    model: _Model, cells: Sequence[CountCell], targets: Sequence[CountCell]
) -> list[tuple[float, float]]:
    """Least and greatest value of each target's sum, given the published ``cells``."""
    programme = model.programme([c for c in cells if not c.suppressed])
    return [programme.interval(model.atoms(t)) for t in targets]


def _binding(model: _Model, cells: Sequence[CountCell], target: CountCell) -> list[CountCell]:
    """The published cells whose equations bind the target's interval (non-zero duals)."""
    published = [c for c in cells if not c.suppressed]
    binds = model.programme(published).binding(model.atoms(target))
    return [c for c in published if binds[model.row_of(c)]]


def audit(
    cells: Iterable[CountCell],
    min_cell: int,
    *,
    subsets: Iterable[str] = (),
    domains: Mapping[str, Sequence] | None = None,
) -> PublicationAudit:
    """The feasible interval of every suppressed cell, given every published count.

    Parameters
    ----------
    cells
        All count cells of the publication (published and suppressed).
    min_cell
        Threshold; a suppressed cell is exposed when its interval is narrower than this.
    subsets
        Dimensions that mark a sub-population (e.g. ``"in_pay_comparison"`` with the value
        ``"yes"``): they get an implicit value for everyone outside it, so a table of the
        sub-population is not taken to count everyone. Dimensions named ``subset:...`` are
        sub-populations too. Other dimensions are closed: the values named in the cells (and in
        ``domains``) are all there are.
    domains
        Dimension -> every value it takes in the data; a cell naming another value is an error
        (a label declared as a raw value when it pools several).

    Returns
    -------
    PublicationAudit

    Raises
    ------
    PublicationError
        If the published counts are inconsistent.
    """
    min_cell = check_min_cell(min_cell)
    cells = list(cells)
    return _audit(_Model(cells, subsets, domains), cells, min_cell)


def _pinned(low: float, high: float, min_cell: int) -> bool:
    """Whether a hidden count known to lie in ``[low, high]`` discloses a small number.

    It does when the interval is narrower than ``min_cell``, unless it says only that nobody is
    there (``high`` 0: zeros are published anyway) or only that the count is ``min_cell`` or more
    (``low`` at or above the threshold: a count the threshold rule would publish; the interval
    always holds the true count, so a small count never has such an interval; this is the count
    of men implied by a hidden share of women, which other tables may well publish).
    """
    return high - low < min_cell - _TOL and high > _TOL and low < min_cell - _TOL


def _hidden_bounds(model: _Model, cells: list[CountCell]) -> dict[frozenset, tuple[float, float]]:
    """Least and greatest value of every hidden count (one pair per distinct set of people)."""
    hidden = [c for c in cells if c.suppressed]
    distinct = list(dict.fromkeys(c.conditions for c in hidden))
    representatives = {c.conditions: c for c in reversed(hidden)}
    found = _intervals(model, cells, [representatives[k] for k in distinct])
    return dict(zip(distinct, found, strict=True))


def _audit(
    model: _Model,
    cells: list[CountCell],
    min_cell: int,
    inherited: frozenset = frozenset(),
    by_conditions: dict[frozenset, tuple[float, float]] | None = None,
) -> PublicationAudit:
    """The audit of ``cells``; ``by_conditions``, when given, are their hidden counts' bounds
    (from :func:`_hidden_bounds` on the same cells), not computed again."""
    hidden = [c for c in cells if c.suppressed]
    if by_conditions is None:
        by_conditions = _hidden_bounds(model, cells)
    bounds = [by_conditions[c.conditions] for c in hidden]
    records = []
    exposed = []
    for cell, (low, high) in zip(hidden, bounds, strict=True):
        width = high - low
        is_inherited = cell.conditions in inherited
        is_exposed = cell.sensitive and _pinned(low, high, min_cell) and not is_inherited
        if is_exposed:
            exposed.append(cell)
        records.append(
            {
                "table": cell.table,
                "row": cell.row,
                "label": cell.label,
                "column": cell.column,
                "low": round(low, 6),
                "high": round(high, 6),
                "width": round(width, 6),
                "exposed": is_exposed,
                "sensitive": cell.sensitive,
                "inherited": is_inherited,
            }
        )
    columns = [
        *("table", "row", "label", "column", "low", "high", "width"),
        *("exposed", "sensitive", "inherited"),
    ]
    return PublicationAudit(
        cells_checked=len(cells),
        intervals=pd.DataFrame(records, columns=columns),
        min_cell=min_cell,
        n_atoms=model.n_atoms,
        n_constraints=len(model.consistency[0]) + sum(not c.suppressed for c in cells),
        exposed_cells=tuple(exposed),
    )


# ----------------------------------------------------------------------------- protection


def _conflicts(a: CountCell, b: CountCell) -> int:
    """Number of dimensions on which two cells count disjoint sets of values."""
    left = {d: (v if isinstance(v, frozenset) else frozenset({v})) for d, v in a.conditions}
    n = 0
    for dim, value in b.conditions:
        values = value if isinstance(value, frozenset) else frozenset({value})
        if dim in left and not (left[dim] & values):
            n += 1
    return n


def _shared(a: CountCell, b: CountCell) -> int:
    """Number of conditions two cells have in common (same dimension and value)."""
    return len(a.conditions & b.conditions)


def _hide(cells: list[CountCell], target: CountCell) -> list[CountCell]:
    """Hide `target`, every published cell counting the same people (the same count published
    in another table must be hidden there too) and the other counts implied by the same
    published number (a share implies the count of women and of men)."""
    place = (target.table, target.row, target.column)
    return [
        CountCell(c.conditions, c.table, c.row, c.column, None, c.label, sensitive=False)
        if not c.suppressed
        and (
            c == target or c.conditions == target.conditions or (c.table, c.row, c.column) == place
        )
        else c
        for c in cells
    ]


def _pinned_by_fixed(
    model: _Model,
    current: list[CountCell],
    fixed: list[CountCell],
    targets: list[CountCell],
    min_cell: int,
) -> set[frozenset]:
    """The targets (by conditions) that the fixed cells alone pin down: with every cell of this
    publication hidden, their interval is still too narrow (so no suppression here can protect
    them). Whatever this publication hides, the answer stays the same."""
    none_shown = [
        CountCell(c.conditions, c.table, c.row, c.column, None, c.label, sensitive=False)
        for c in current
    ]
    found = _intervals(model, [*none_shown, *fixed], targets)
    pairs = zip(targets, found, strict=True)
    return {t.conditions for t, (low, high) in pairs if _pinned(low, high, min_cell)}


def _protects(
    model: _Model, cells: list[CountCell], target: CountCell, low: float, min_cell: int
) -> tuple[bool, float]:
    """Whether ``target``'s interval given ``cells`` is at least ``min_cell`` wide, and its
    width. ``low`` is its least value with more cells published: hiding only lowers it, so a
    greatest value at least ``min_cell`` above it settles the question with one programme."""
    programme = model.programme([c for c in cells if not c.suppressed])
    atoms = model.atoms(target)
    high = -programme.extreme(atoms, -1.0)
    if high - low >= min_cell - _TOL:
        return True, high - low
    width = high - max(programme.extreme(atoms, 1.0), 0.0)
    return width >= min_cell - _TOL, width


def protect(
    tables: Mapping[str, pd.DataFrame],
    cells: Iterable[CountCell],
    min_cell: int,
    *,
    fixed: Iterable[CountCell] = (),
    subsets: Iterable[str] = (),
    domains: Mapping[str, Sequence] | None = None,
) -> tuple[dict[str, pd.DataFrame], PublicationAudit]:
    """Complementary suppression across tables until no suppressed cell is exposed.

    While :func:`audit` finds an exposed cell, the published cells *near* it (counting the same
    people on every dimension but at most one: its row, column, margins and the matching cells of
    other tables) are tried from the smallest count up, and the first whose suppression widens the
    exposed cell's interval is hidden (least information lost); when none does alone (the same
    people counted in several tables), the smallest is hidden and the search goes on. A cell
    counting the same people as a hidden one is hidden with it. A zero is hidden only when no
    other cell protects the hidden one (all its neighbours are zeros). When no near cell is left,
    any published cell of these tables may be hidden. A hidden cell that the ``fixed`` cells alone
    narrow too far (with every cell here hidden) is not this publication's doing and none of its
    cells can help: it is listed as ``inherited`` in the audit, not protected.

    Parameters
    ----------
    tables
        Table name -> data; the cells' tables. Returned copies hold ``"[c]"`` in the added cells.
    cells
        The count cells of these tables.
    min_cell
        Threshold and required interval width.
    fixed
        Published cells that cannot be hidden any more (e.g. counts of earlier runs).
    subsets, domains
        As for :func:`audit`.

    Returns
    -------
    (dict of DataFrame, PublicationAudit)
        The tables with complementary suppression and the final audit (``added`` lists the cells
        hidden here).

    Raises
    ------
    PublicationError
        When no further suppression can protect a cell; the message names the table and cell,
        never the hidden value.
    """
    min_cell = check_min_cell(min_cell)
    fixed = list(fixed)
    subsets = tuple(subsets)
    current = list(cells)
    added: list[CountCell] = []
    model = _Model([*current, *fixed], subsets, domains)  # hiding changes values, not the model
    own = set(current)
    # Hiding a cell removes an equation, so intervals only widen: after the first audit only the
    # exposed cells and the newly hidden ones need to be looked at again.
    order = {(c.table, c.row, c.column): k for k, c in enumerate(current)}
    first = _hidden_bounds(model, [*current, *fixed])
    exposed = list(_audit(model, [*current, *fixed], min_cell, by_conditions=first).exposed_cells)
    by_fixed = _pinned_by_fixed(model, current, fixed, exposed, min_cell) if exposed else set()
    inherited: list[CountCell] = []
    while exposed:
        exposed.sort(key=lambda c: order.get((c.table, c.row, c.column), -1))
        target = exposed[0]
        [(low, high)] = _intervals(model, [*current, *fixed], [target])
        if not _pinned(low, high, min_cell):  # protected meanwhile
            exposed.pop(0)
            continue
        if target.conditions in by_fixed:
            inherited.append(target)
            exposed.pop(0)
            continue
        binding = {c for c in _binding(model, [*current, *fixed], target) if c in own}
        candidates = sorted(
            (
                c
                for c in current
                if not c.suppressed and (c in binding or _conflicts(c, target) <= 1)
            ),
            # zeros only when nothing else protects the cell; then the cells whose equations bind
            # it, nearest first (sharing most of its conditions: its own row and column before
            # totals of other tables), smallest first
            key=lambda c: (
                c.value == 0,
                c not in binding,
                -_shared(c, target),
                c.value,
                c.table,
                c.row,
                c.column,
            ),
        )
        # the smallest candidate that protects the cell on its own; else the one that widens
        # its interval most (first on ties)
        chosen, best = None, high - low + _TOL
        for candidate in candidates[: len(binding) + _TRIALS]:
            enough, width = _protects(
                model, [*_hide(current, candidate), *fixed], target, low, min_cell
            )
            if enough:
                chosen = candidate
                break
            if width > best:
                chosen, best = candidate, width
        if not candidates:  # nothing near it is left: any cell of this publication may help
            candidates = sorted(
                (c for c in current if not c.suppressed),
                key=lambda c: (c.value == 0, c.value, c.table, c.row, c.column),
            )
        if chosen is None and candidates:
            # no single cell widens it (the same people are counted in several tables): hide
            # the smallest neighbour and look again
            chosen = candidates[0]
        if chosen is None:
            raise PublicationError(
                f"Disclosure control cannot protect the hidden count in {target.where}: the "
                "other published counts pin it down to fewer than "
                f"{min_cell} people and hiding more cells does not help. Pool small groups "
                "(fewer grades or categories) or leave a table out."
            )
        hidden_now = _hide(current, chosen)
        added += [c for c, h in zip(current, hidden_now, strict=True) if c != h]
        current = hidden_now
    result = _audit(
        model,
        [*current, *fixed],
        min_cell,
        frozenset(c.conditions for c in inherited),
        by_conditions=None if added else first,  # nothing hidden since: the same bounds
    )
    out = {name: frame.copy() for name, frame in tables.items()}
    for cell in added:
        frame = out[cell.table]
        if frame[cell.column].dtype != object:
            frame[cell.column] = frame[cell.column].astype(object)
        frame.iloc[cell.row, frame.columns.get_loc(cell.column)] = SUPPRESSED
    final = PublicationAudit(
        cells_checked=result.cells_checked,
        intervals=result.intervals,
        min_cell=min_cell,
        added=tuple(c.where for c in added),
        inherited=tuple(dict.fromkeys(c.where for c in inherited)),
        n_atoms=result.n_atoms,
        n_constraints=result.n_constraints,
    )
    return out, final
