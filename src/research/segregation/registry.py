"""The segregation index registry: one record per two-group index, and a new index is one entry.

Every place that handles "all the indices" iterates over :data:`REGISTRY`:
:func:`research.segregation.segregation_indices` (values and bootstrap),
:func:`research.segregation.expected_values` (values under random allocation),
:func:`research.segregation.segregation_profile` (every council at once),
:func:`research.segregation.decompose_change` (indices with ``change=True``) and the report of
``notebooks/20_segregation.ipynb`` (indices with ``shown=True``, with their label and meaning).

Adding an index
---------------
Write its formula as a vectorised function of the count arrays ``a`` and ``b`` (focal and other
group per unit, shape ``(..., units)``; see :mod:`research.segregation.kernels`) and register it::

    register(SegregationIndex(
        name="my_index", label="My index", compute=lambda a, b, beta: ...,
        meaning="Share of ... in the average {noun}", reference="Author (year) ...",
    ))

Nothing else changes: it is computed, bootstrapped, simulated under random allocation, profiled
and shown in the report's index tables. ``compute`` receives Atkinson's shape ``beta`` too (most
indices ignore it). It must return NaN-free values for any table with both groups present.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from research.core.checks import InputError
from research.segregation import kernels

Kernel = Callable[[np.ndarray, np.ndarray, float], np.ndarray]


@dataclass(frozen=True)
class SegregationIndex:
    """One two-group segregation index.

    Attributes
    ----------
    name
        Key in results (``result["D"]``) and in tidy tables' ``index`` column.
    label
        What a reader sees, e.g. ``"Dissimilarity (D)"``.
    meaning
        What it measures, in one sentence for a committee member; ``{noun}`` is replaced by the
        unit compared (``"occupation"``, ``"grade"``).
    compute
        ``compute(a, b, beta) -> array``: the index of count arrays of shape ``(..., units)``.
    bounds
        Range of the index (bootstrap intervals and bias-corrected values are clipped to it).
    symmetric
        Whether swapping the two groups leaves it unchanged (D yes, isolation no).
    decomposable
        Whether it splits additively into between- and within-group parts.
    change
        Whether :func:`research.segregation.decompose_change` can decompose its change.
    shown
        Whether the segregation report's index tables show it.
    reference
        Where it comes from.
    """

    name: str
    label: str
    meaning: str
    compute: Kernel
    bounds: tuple[float, float] = (0.0, 1.0)
    symmetric: bool = True
    decomposable: bool = False
    change: bool = False
    shown: bool = True
    reference: str = ""

    def describe(self, noun: str = "occupation") -> str:
        """The meaning with ``{noun}`` filled in."""
        return self.meaning.format(noun=noun)


#: Every registered index by name, in display order.
REGISTRY: dict[str, SegregationIndex] = {}


def register(index: SegregationIndex) -> SegregationIndex:
    """Add ``index`` to the registry (its name must be new) and return it."""
    if index.name in REGISTRY:
        raise InputError(f"A segregation index called {index.name!r} is already registered.")
    if "{" in index.meaning.replace("{noun}", ""):
        raise InputError(f"The meaning of {index.name!r} may only use the {{noun}} placeholder.")
    REGISTRY[index.name] = index
    return index


def unregister(name: str) -> None:
    """Remove an index from the registry (tests use this to clean up)."""
    REGISTRY.pop(name, None)


def indices(*, shown: bool | None = None, change: bool | None = None) -> list[SegregationIndex]:
    """The registered indices, in order, optionally only those shown / decomposable over time."""
    return [
        index
        for index in REGISTRY.values()
        if (shown is None or index.shown == shown) and (change is None or index.change == change)
    ]


def get(name: str) -> SegregationIndex:
    try:
        return REGISTRY[name]
    except KeyError:
        raise InputError(
            f"Unknown segregation index {name!r}; registered: {', '.join(REGISTRY)}."
        ) from None


def compute_all(a: np.ndarray, b: np.ndarray, beta: float = 0.5) -> dict[str, np.ndarray]:
    """Every registered index of the count arrays ``a`` and ``b`` (any leading axes)."""
    return {name: index.compute(a, b, beta) for name, index in REGISTRY.items()}


class _Live(Mapping):
    """A read-only view of one attribute of every registered index (follows the registry)."""

    def __init__(self, attribute: str) -> None:
        self._attribute = attribute

    def __getitem__(self, name: str):
        return getattr(REGISTRY[name], self._attribute)

    def __iter__(self) -> Iterator[str]:
        return iter(list(REGISTRY))

    def __len__(self) -> int:
        return len(REGISTRY)

    def __repr__(self) -> str:
        return repr(dict(self))


#: Label of each registered index (a live view of the registry).
INDEX_LABELS: Mapping[str, str] = _Live("label")
#: Range of each registered index (a live view of the registry).
INDEX_BOUNDS: Mapping[str, tuple[float, float]] = _Live("bounds")


# --------------------------------------------------------------------------------------------------
# The indices
# --------------------------------------------------------------------------------------------------


def _mutual_information(a: np.ndarray, b: np.ndarray, beta: float) -> np.ndarray:
    return kernels.mutual_information(kernels.two_group_table(a, b))[0]


def _theil_h(a: np.ndarray, b: np.ndarray, beta: float) -> np.ndarray:
    m, e = kernels.mutual_information(kernels.two_group_table(a, b))
    return np.divide(m, e, out=np.zeros_like(m, dtype=np.float64), where=e > 0)


_JT1985 = "James, D. R. and Taeuber, K. E. (1985). Measures of segregation. Sociological Methodology 15, 1-32."
_BELL = (
    "Bell, W. (1954). A probability model for the measurement of ecological segregation. "
    "Social Forces 32(4), 357-364."
)
_THEIL = (
    "Theil, H. and Finizza, A. J. (1971). A note on the measurement of racial integration of "
    "schools by means of informational concepts. Journal of Mathematical Sociology 1(2), 187-193."
)

for _index in (
    SegregationIndex(
        "D",
        "Dissimilarity (D)",
        "Share of women (or of men) who would have to change {noun} for both sexes to be spread "
        "alike",
        lambda a, b, beta: kernels.dissimilarity(a, b),
        change=True,
        reference="Duncan, O. D. and Duncan, B. (1955). A methodological analysis of segregation "
        "indexes. American Sociological Review 20(2), 210-217.",
    ),
    SegregationIndex(
        "IP",
        "Karmel-MacLachlan (IP)",
        "Share of all employees who would have to swap {noun} with someone of the other sex",
        lambda a, b, beta: kernels.karmel_maclachlan(a, b),
        change=True,
        reference="Karmel, T. and MacLachlan, M. (1988). Occupational sex segregation: increasing "
        "or decreasing? Economic Record 64(3), 187-195.",
    ),
    SegregationIndex(
        "Gini",
        "Gini",
        "Twice the area between the segregation curve and the line of equality",
        lambda a, b, beta: kernels.gini(a, b),
        change=True,
        reference=_JT1985,
    ),
    SegregationIndex(
        "Hutchens",
        "Hutchens square root (S)",
        "Like D, but every unequal {noun} counts, not only the net excess",
        lambda a, b, beta: kernels.hutchens(a, b),
        decomposable=True,
        change=True,
        reference="Hutchens, R. M. (2004). One measure of segregation. International Economic "
        "Review 45(2), 555-578.",
    ),
    SegregationIndex(
        "Atkinson",
        "Atkinson (A)",
        "Atkinson index with b = 0.5 (both sexes weighted equally)",
        kernels.atkinson,
        symmetric=False,
        change=True,
        reference="Atkinson, A. B. (1970). On the measurement of inequality. Journal of Economic "
        "Theory 2(3), 244-263; " + _JT1985,
    ),
    SegregationIndex(
        "D_size_standardised",
        "Size-standardised dissimilarity (Gibbs)",
        "D as if every {noun} had the same number of employees",
        lambda a, b, beta: kernels.size_standardised(a, b),
        change=True,
        reference="Gibbs, J. P. (1965). Occupational differentiation of Negroes and Whites in the "
        "United States. Social Forces 44(2), 159-165.",
    ),
    SegregationIndex(
        "M",
        "Mutual information (M)",
        "How much knowing someone's {noun} tells about their sex (natural log units)",
        _mutual_information,
        bounds=(0.0, math.inf),
        decomposable=True,
        change=True,
        reference=_THEIL,
    ),
    SegregationIndex(
        "H",
        "Theil information index (H)",
        "M as a share of its largest possible value (0 none, 1 complete)",
        _theil_h,
        decomposable=True,
        change=True,
        reference=_THEIL,
    ),
    SegregationIndex(
        "isolation",
        "Isolation",
        "Share of women in the average woman's {noun}; without segregation it equals women's "
        "overall share",
        lambda a, b, beta: kernels.isolation(a, b),
        symmetric=False,
        reference=_BELL,
    ),
    SegregationIndex(
        "exposure",
        "Exposure",
        "Share of men in the average woman's {noun}",
        lambda a, b, beta: kernels.exposure(a, b),
        symmetric=False,
        shown=False,
        reference=_BELL,
    ),
):
    register(_index)
del _index
