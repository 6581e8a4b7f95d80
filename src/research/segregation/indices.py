"""Two-group segregation indices, representation ratios, segregation curves and expected values.

Each index function takes long-form data with column roles, as in seaborn and the R package
``segregation``: ``data`` (one row per employee, or one row per unit x group cell), ``by`` (the
group column, e.g. ``"sex"``), ``unit`` (e.g. ``"occupation"``) and an optional ``weight`` column of counts. It returns an
:class:`~research.core.results.Estimate` that converts with ``float()``; with ``n_boot > 0`` (and an
explicit ``seed``) it also carries a bootstrap ``se``, ``ci`` and ``bias_corrected`` estimate (see
:mod:`research.segregation.bootstrap`).

Notation: ``a_j`` and ``b_j`` are the counts of the focal group (``compare``, e.g. women)
and the reference group in unit ``j``; ``A`` and ``B`` their totals; ``t_j = a_j + b_j``; ``T = A + B``;
``P = A / T``. "Two groups" means exactly that: when the group column has other values (e.g. sex
``X`` or ``U``), pass ``compare="F", reference="M"`` and they are left out of the comparison.

References
----------
Atkinson, A. B. (1970). On the measurement of inequality. *Journal of Economic Theory* 2(3),
244-263.

Bell, W. (1954). A probability model for the measurement of ecological segregation. *Social Forces*
32(4), 357-364.

Duncan, O. D. and Duncan, B. (1955). A methodological analysis of segregation indexes. *American
Sociological Review* 20(2), 210-217.

Gibbs, J. P. (1965). Occupational differentiation of Negroes and Whites in the United States.
*Social Forces* 44(2), 159-165.

Hutchens, R. M. (2004). One measure of segregation. *International Economic Review* 45(2),
555-578.

James, D. R. and Taeuber, K. E. (1985). Measures of segregation. *Sociological Methodology* 15,
1-32.

Karmel, T. and MacLachlan, M. (1988). Occupational sex segregation: increasing or decreasing?
*Economic Record* 64(3), 187-195.

Winship, C. (1977). A revaluation of indexes of residential segregation. *Social Forces* 55(4),
1058-1066.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research.core.checks import InputError
from research.core.random import make_rng
from research.core.results import Estimate, Result
from research.segregation import bootstrap, kernels, registry
from research.segregation.cells import Cells, Comparison, comparison, pair, require_units, tabulate

#: Label and range of each index: live views of :mod:`research.segregation.registry`.
INDEX_LABELS = registry.INDEX_LABELS
INDEX_BOUNDS = registry.INDEX_BOUNDS

Kernel = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _valid(a: np.ndarray, b: np.ndarray, values: np.ndarray) -> np.ndarray:
    """NaN where a group is empty (e.g. in a bootstrap redraw): the index is undefined there."""
    ok = (a.sum(axis=-1) > 0) & (b.sum(axis=-1) > 0) & ((a + b > 0).sum(axis=-1) >= 2)
    return np.where(ok, values, np.nan)


def _prepare(
    data: pd.DataFrame,
    by: str,
    unit: str,
    weight: str | None,
    spec: Comparison,
) -> tuple[Cells, np.ndarray, np.ndarray, tuple[Hashable, Hashable], pd.Index]:
    cells = tabulate(data, by, unit, weight)
    a, b, labels, units = pair(cells, spec)
    require_units(a.size, cells.unit)
    return cells, a, b, labels, units


def _details(cells: Cells, first: np.ndarray, second: np.ndarray, labels, **extra) -> dict:
    return {
        "groups": labels,
        "n": {labels[0]: float(first.sum()), labels[1]: float(second.sum())},
        "n_units": int(first.size),
        "group_column": cells.group,
        "unit_column": cells.unit,
        **extra,
    }


def _estimate(
    name: str,
    kernel: Kernel,
    a: np.ndarray,
    b: np.ndarray,
    details: dict,
    n_boot: int,
    seed: int | None,
    ci_level: float,
) -> Estimate:
    """Value of ``kernel`` on the table and, when asked, its bootstrap uncertainty."""
    n_boot = bootstrap.check_n_boot(n_boot)
    ci_level = bootstrap.check_level(ci_level)
    value = float(kernel(a, b))
    if not n_boot:
        return Estimate(name, value, details=details)
    rng = make_rng(seed)
    reps = bootstrap.redraw(kernels.two_group_table(a, b), n_boot, rng)
    ra, rb = reps[..., 0], reps[..., 1]
    values = _valid(ra, rb, kernel(ra, rb))
    summary = bootstrap.summarise(value, values, ci_level, registry.get(name).bounds)
    return Estimate(name, value, n_boot=n_boot, details=details, **summary)


def dissimilarity(
    data: pd.DataFrame,
    by: str,
    unit: str,
    weight: str | None = None,
    *,
    compare: Hashable | None = None,
    reference: Hashable | None = None,
    groups: Sequence[Hashable] | None = None,
    versus_rest: Hashable | None = None,
    n_boot: int = 0,
    seed: int | None = None,
    ci_level: float = 0.95,
) -> Estimate:
    """Duncan and Duncan's (1955) index of dissimilarity between two groups.

    .. math:: D = \\tfrac12 \\sum_j \\left| \\frac{a_j}{A} - \\frac{b_j}{B} \\right|

    D is the share of either group that would have to change unit (occupation) for the two groups
    to be spread across units in the same proportions: 0 is no segregation, 1 complete segregation.

    Parameters
    ----------
    data : pandas.DataFrame
        Long-form data: one row per person, or per unit x group cell with counts in ``weight``.
    by, unit : str
        Columns with the groups (e.g. ``"sex"``) and the units (e.g. ``"occupation"``).
    weight : str, optional
        Column of counts or frequency weights.
    compare, reference : value, optional
        The two groups compared (group against group, as in the R package ``segregation``):
        ``compare`` is the focal group (``a``), ``reference`` the other (``b``). Needed when the
        ``by`` column has more than two values; other values are left out. ``compare`` alone
        among more than two groups compares it with **everybody else** (group against rest, as
        PySAL's ``Dissim`` does): ``b_j`` is then the count of all other groups in unit ``j``.
    groups, versus_rest : optional
        Older spellings of ``compare=a, reference=b`` and of ``compare=g`` against the rest.
    n_boot : int, default 0
        Bootstrap replicates for ``se``, ``ci`` and ``bias_corrected`` (0: none).
    seed : int, optional
        Seed of the bootstrap; required when ``n_boot > 0``.
    ci_level : float, default 0.95
        Confidence level of ``ci``.

    Returns
    -------
    Estimate
        ``float(result)`` is D; ``details`` names the groups compared and their sizes.

    Raises
    ------
    InputError
        A missing column, an empty or single group, fewer than two units, or bad options.

    References
    ----------
    Duncan, O. D. and Duncan, B. (1955). A methodological analysis of segregation indexes.
    *American Sociological Review* 20(2), 210-217.
    """
    spec = comparison(compare, reference, groups, versus_rest)
    cells, a, b, labels, _ = _prepare(data, by, unit, weight, spec)
    versus = "group versus rest" if labels[1] == "all others" else "group versus group"
    details = _details(cells, a, b, labels, comparison=versus)
    return _estimate("D", kernels.dissimilarity, a, b, details, n_boot, seed, ci_level)


def _two_group_function(function_name: str, name: str, kernel: Kernel, doc: str):
    """Build a public index function with the common signature (documented in ``doc``)."""

    def index(
        data: pd.DataFrame,
        by: str,
        unit: str,
        weight: str | None = None,
        *,
        compare: Hashable | None = None,
        reference: Hashable | None = None,
        groups: Sequence[Hashable] | None = None,
        n_boot: int = 0,
        seed: int | None = None,
        ci_level: float = 0.95,
    ) -> Estimate:
        spec = comparison(compare, reference, groups)
        cells, a, b, labels, _ = _prepare(data, by, unit, weight, spec)
        details = _details(cells, a, b, labels)
        return _estimate(name, kernel, a, b, details, n_boot, seed, ci_level)

    index.__doc__ = doc + _COMMON_PARAMETERS
    index.__name__ = index.__qualname__ = function_name
    return index


_COMMON_PARAMETERS = """
    Parameters
    ----------
    data : pandas.DataFrame
        Long-form data: one row per person, or per unit x group cell with counts in ``weight``.
    by, unit : str
        Columns with the groups (e.g. ``"sex"``) and the units (e.g. ``"occupation"``).
    weight : str, optional
        Column of counts or frequency weights.
    compare, reference : value, optional
        The two groups compared; ``compare`` is the focal group. Needed when the ``by`` column
        has more than two values (other values are left out; ``compare`` alone is compared with
        all the others); otherwise the data's order (``F`` before ``M``).
    groups : (a, b), optional
        Older spelling of ``compare=a, reference=b``.
    n_boot : int, default 0
        Bootstrap replicates for ``se``, ``ci`` and ``bias_corrected`` (0: none).
    seed : int, optional
        Seed of the bootstrap; required when ``n_boot > 0``.
    ci_level : float, default 0.95
        Confidence level of ``ci``.

    Returns
    -------
    Estimate
        Converts with ``float()``; ``details`` names the groups and their sizes.
"""

karmel_maclachlan = _two_group_function(
    "karmel_maclachlan",
    "IP",
    kernels.karmel_maclachlan,
    """Karmel and MacLachlan's (1988) index IP.

    .. math:: IP = \\frac1T \\sum_j \\left| a_j - P\\, t_j \\right| = 2 P (1 - P) D

    The share of all employees who would have to change occupation, each replaced by someone of
    the other sex, to remove segregation while keeping every occupation's size and the overall sex
    ratio. Unlike D it depends on the overall sex ratio, which is what makes its change over time
    decomposable (:func:`research.segregation.karmel_maclachlan_change`).

    References
    ----------
    Karmel, T. and MacLachlan, M. (1988). Occupational sex segregation: increasing or decreasing?
    *Economic Record* 64(3), 187-195.
""",
)

gini = _two_group_function(
    "gini",
    "Gini",
    kernels.gini,
    """Gini segregation index, computed in O(n log n) time.

    .. math:: G = \\frac{\\sum_i \\sum_j t_i t_j |r_i - r_j|}{2 T^2 P (1 - P)},
        \\qquad r_j = a_j / t_j

    (James and Taeuber 1985), computed as one minus twice the area under the segregation curve
    (Duncan and Duncan 1955) after sorting the units by ``r_j``: a sort instead of the double sum,
    so 10,000 occupations take milliseconds.

    References
    ----------
    James, D. R. and Taeuber, K. E. (1985). Measures of segregation. *Sociological Methodology* 15,
    1-32.
""",
)

hutchens = _two_group_function(
    "hutchens",
    "Hutchens",
    kernels.hutchens,
    """Hutchens' (2004) square root index.

    .. math:: S = 1 - \\sum_j \\sqrt{\\frac{a_j}{A} \\frac{b_j}{B}}

    Additively decomposable into between- and within-group parts and satisfying the transfer
    principle that D fails; 0 is no segregation, 1 complete segregation. Equals
    ``1 - sqrt(1 - Atkinson(b=0.5))``.

    References
    ----------
    Hutchens, R. M. (2004). One measure of segregation. *International Economic Review* 45(2),
    555-578.
""",
)

size_standardised_dissimilarity = _two_group_function(
    "size_standardised_dissimilarity",
    "D_size_standardised",
    kernels.size_standardised,
    """Gibbs' (1965) size-standardised index of dissimilarity.

    .. math:: D_s = \\tfrac12 \\sum_j \\left| \\frac{a_j/t_j}{\\sum_k a_k/t_k}
        - \\frac{b_j/t_j}{\\sum_k b_k/t_k} \\right|

    D computed as if every unit (occupation) were the same size, so that a change in occupation
    sizes alone does not move it.

    References
    ----------
    Gibbs, J. P. (1965). Occupational differentiation of Negroes and Whites in the United States.
    *Social Forces* 44(2), 159-165.
""",
)

isolation = _two_group_function(
    "isolation",
    "isolation",
    kernels.isolation,
    """Isolation index of the focal group (Bell 1954).

    .. math:: {}_aP_a = \\sum_j \\frac{a_j}{A} \\frac{a_j}{t_j}

    The focal group's average share in its members' own units (e.g. for women: the share of women
    among the colleagues in the average woman's occupation). Depends on the overall share ``P``.

    References
    ----------
    Bell, W. (1954). A probability model for the measurement of ecological segregation.
    *Social Forces* 32(4), 357-364.
""",
)

exposure = _two_group_function(
    "exposure",
    "exposure",
    kernels.exposure,
    """Exposure index of the focal group to the other group (Bell 1954).

    .. math:: {}_aP_b = \\sum_j \\frac{a_j}{A} \\frac{b_j}{t_j} = 1 - {}_aP_a

    The other group's average share in the focal group's members' units (e.g. the share of men in
    the average woman's occupation).

    References
    ----------
    Bell, W. (1954). A probability model for the measurement of ecological segregation.
    *Social Forces* 32(4), 357-364.
""",
)


def _check_beta(b: float) -> float:
    if isinstance(b, bool) or not isinstance(b, int | float) or not 0 < b < 1:
        raise InputError(f"The Atkinson parameter b must be strictly between 0 and 1, got {b!r}.")
    return float(b)


def atkinson(
    data: pd.DataFrame,
    by: str,
    unit: str,
    weight: str | None = None,
    *,
    b: float = 0.5,
    compare: Hashable | None = None,
    reference: Hashable | None = None,
    groups: Sequence[Hashable] | None = None,
    n_boot: int = 0,
    seed: int | None = None,
    ci_level: float = 0.95,
) -> Estimate:
    """Atkinson segregation index with shape parameter ``b`` (Atkinson 1970; James and Taeuber 1985).

    .. math:: A(b) = 1 - \\frac{P}{1-P} \\left| \\frac{1}{P T} \\sum_j (1 - p_j)^{1-b} p_j^{b} t_j
        \\right|^{1/(1-b)} = 1 - \\Big(\\sum_j (a_j/A)^{b} (b_j/B)^{1-b}\\Big)^{1/(1-b)}

    with ``p_j = a_j / t_j`` the focal group's share in unit ``j``. ``b`` sets whose
    under-representation counts more: ``b < 0.5`` weighs units where the focal group is scarce,
    ``b > 0.5`` units where it is concentrated; ``b = 0.5`` is symmetric and equals
    ``1 - (1 - S)^2`` with S Hutchens' index. (PySAL's ``Atkinson`` ignores its ``b``; here it is
    used.)

    Parameters
    ----------
    b : float, default 0.5
        Shape parameter, strictly between 0 and 1.
    data, by, unit, weight, compare, reference, groups, n_boot, seed, ci_level
        As for :func:`dissimilarity`; ``compare`` is the focal group.

    Returns
    -------
    Estimate
        ``details["b"]`` records the parameter.

    References
    ----------
    Atkinson, A. B. (1970). On the measurement of inequality. *Journal of Economic Theory* 2(3),
    244-263.

    James, D. R. and Taeuber, K. E. (1985). Measures of segregation. *Sociological Methodology* 15,
    1-32.
    """
    beta = _check_beta(b)
    spec = comparison(compare, reference, groups)
    cells, a, bb, labels, _ = _prepare(data, by, unit, weight, spec)
    details = _details(cells, a, bb, labels, b=beta)

    def kernel(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return kernels.atkinson(x, y, beta)

    return _estimate("Atkinson", kernel, a, bb, details, n_boot, seed, ci_level)


# --------------------------------------------------------------------------------------------------
# Every index at once
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexTable(Result):
    """Every two-group index of one table, from one aggregation (and one set of replicates).

    Attributes
    ----------
    estimates : dict[str, Estimate]
        Keyed by the names of :data:`INDEX_LABELS`; ``result["D"]`` gives one.
    groups : (a, b)
        The groups compared; ``a`` is the focal group of Atkinson, isolation and exposure.
    n : dict
        Size of each group.
    n_units : int
        Units with members of either group.
    b : float
        Atkinson's shape parameter.
    """

    estimates: dict[str, Estimate]
    groups: tuple[Hashable, Hashable]
    n: dict[Hashable, float]
    n_units: int
    b: float = 0.5
    title: str = "Segregation indices"
    details: dict = field(default_factory=dict)

    def __getitem__(self, name: str) -> Estimate:
        return self.estimates[name]

    def to_frame(self) -> pd.DataFrame:
        frame = pd.concat([e.to_frame() for e in self.estimates.values()], ignore_index=True)
        frame = frame.rename(columns={"statistic": "index"})
        frame.insert(1, "label", [INDEX_LABELS[k] for k in self.estimates])
        return frame


def _check_index_args(n_boot: int, ci_level: float, b: float) -> tuple[int, float, float]:
    return bootstrap.check_n_boot(n_boot), bootstrap.check_level(ci_level), _check_beta(b)


def index_table(
    a: np.ndarray,
    b: np.ndarray,
    labels: tuple[Hashable, Hashable],
    *,
    beta: float = 0.5,
    n_boot: int = 0,
    rng: np.random.Generator | None = None,
    ci_level: float = 0.95,
    details: dict | None = None,
) -> IndexTable:
    """:class:`IndexTable` from the two count vectors (the engine of :func:`segregation_indices`)."""
    values = {k: float(v) for k, v in registry.compute_all(a, b, beta).items()}
    summaries: dict[str, dict] = {k: {} for k in values}
    if n_boot:
        reps = bootstrap.redraw(kernels.two_group_table(a, b), n_boot, rng)
        ra, rb = reps[..., 0], reps[..., 1]
        for key, column in registry.compute_all(ra, rb, beta).items():
            summaries[key] = bootstrap.summarise(
                values[key], _valid(ra, rb, column), ci_level, INDEX_BOUNDS[key]
            )
    estimates = {
        k: Estimate(k, v, n_boot=n_boot, **summaries[k]) if n_boot else Estimate(k, v)
        for k, v in values.items()
    }
    return IndexTable(
        estimates=estimates,
        groups=labels,
        n={labels[0]: float(a.sum()), labels[1]: float(b.sum())},
        n_units=int(a.size),
        b=beta,
        details=dict(details or {}),
    )


def segregation_indices(
    data: pd.DataFrame,
    by: str,
    unit: str,
    weight: str | None = None,
    *,
    compare: Hashable | None = None,
    reference: Hashable | None = None,
    groups: Sequence[Hashable] | None = None,
    b: float = 0.5,
    n_boot: int = 0,
    seed: int | None = None,
    ci_level: float = 0.95,
) -> IndexTable:
    """Every registered two-group index at once (:mod:`research.segregation.registry`): D, IP,
    Gini, Hutchens, Atkinson, Gibbs' D, isolation, exposure, M and H.

    The data are aggregated once and every index is a vectorised sum over the same cells; with
    ``n_boot`` the same replicates serve every index. M is in natural-log units; H does not depend
    on the base. Formulas and sources: :func:`dissimilarity`, :func:`karmel_maclachlan`,
    :func:`gini`, :func:`hutchens`, :func:`atkinson`, :func:`size_standardised_dissimilarity`,
    :func:`isolation`, :func:`exposure` and :func:`research.segregation.mutual_information`.

    Parameters
    ----------
    data, by, unit, weight, compare, reference, groups, n_boot, seed, ci_level
        As for :func:`dissimilarity`.
    b : float, default 0.5
        Atkinson's shape parameter.

    Returns
    -------
    IndexTable
        ``result["D"]`` etc.; ``to_frame()`` has one row per index.
    """
    n_boot, ci_level, beta = _check_index_args(n_boot, ci_level, b)
    spec = comparison(compare, reference, groups)
    cells, a, bb, labels, _ = _prepare(data, by, unit, weight, spec)
    rng = make_rng(seed) if n_boot else None
    return index_table(
        a,
        bb,
        labels,
        beta=beta,
        n_boot=n_boot,
        rng=rng,
        ci_level=ci_level,
        details=_details(cells, a, bb, labels),
    )


# --------------------------------------------------------------------------------------------------
# Representation ratios and segregation curves
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RepresentationRatios(Result):
    """Each unit's share of the focal group against the overall share.

    ``table`` has one row per unit: ``n`` (both groups), ``n_<a>``, ``n_<b>``, ``share_<a>`` (0-1),
    ``ratio_<a>`` (``share / overall share``: 1 = represented as in the whole workforce, 2 = twice,
    0.5 = half) and ``ratio_<b>``, sorted from the most under- to the most over-represented.
    """

    table: pd.DataFrame
    groups: tuple[Hashable, Hashable]
    overall_share: float
    title: str = "Representation ratios"

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()


def representation_ratios(
    data: pd.DataFrame,
    by: str,
    unit: str,
    weight: str | None = None,
    *,
    compare: Hashable | None = None,
    reference: Hashable | None = None,
    groups: Sequence[Hashable] | None = None,
) -> RepresentationRatios:
    """Representation ratio of each group in each unit: its share there over its overall share.

    .. math:: R_{aj} = \\frac{a_j / t_j}{A / T}, \\qquad R_{bj} = \\frac{b_j / t_j}{B / T}

    A ratio of 1 means the unit mirrors the whole workforce; women's ratio of 1.5 in an occupation
    means women are 50% more common there than overall. The counts are in the table too: apply
    disclosure control before publishing it.

    Parameters
    ----------
    data, by, unit, weight, compare, reference, groups
        As for :func:`dissimilarity`.

    Returns
    -------
    RepresentationRatios
    """
    cells, a, b, labels, units = _prepare(
        data, by, unit, weight, comparison(compare, reference, groups)
    )
    t = a + b
    p_a = a.sum() / t.sum()
    share = a / t
    tag_a, tag_b = str(labels[0]), str(labels[1])
    table = pd.DataFrame(
        {
            cells.unit: units,
            "n": t,
            f"n_{tag_a}": a,
            f"n_{tag_b}": b,
            f"share_{tag_a}": share,
            f"ratio_{tag_a}": share / p_a,
            f"ratio_{tag_b}": (1 - share) / (1 - p_a),
        }
    )
    table = table.sort_values([f"ratio_{tag_a}", cells.unit], kind="stable").reset_index(drop=True)
    return RepresentationRatios(table=table, groups=labels, overall_share=float(p_a))


@dataclass(frozen=True)
class SegregationCurve(Result):
    """Points of a segregation curve (Duncan and Duncan 1955) with its D and Gini.

    ``table`` starts at (0, 0) and has one row per unit, sorted by the focal group's share, with
    ``cum_<b>`` (x axis: cumulative share of the other group) and ``cum_<a>`` (y axis). The curve
    lies on the diagonal when there is no segregation; D is its largest vertical distance from the
    diagonal and Gini twice the area between them.
    """

    table: pd.DataFrame
    groups: tuple[Hashable, Hashable]
    D: float
    gini: float
    title: str = "Segregation curve"

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()


def segregation_curve(
    data: pd.DataFrame,
    by: str,
    unit: str,
    weight: str | None = None,
    *,
    compare: Hashable | None = None,
    reference: Hashable | None = None,
    groups: Sequence[Hashable] | None = None,
) -> SegregationCurve:
    """The segregation curve of Duncan and Duncan (1955).

    Units are sorted by the focal group's share ``a_j / t_j`` (ascending); the curve joins the
    points ``(sum_{k<=j} b_k / B, sum_{k<=j} a_k / A)``. The counts of a unit can be read off the
    steps of the table, so publish the drawn curve, not its table, when units are small.

    Parameters
    ----------
    data, by, unit, weight, compare, reference, groups
        As for :func:`dissimilarity`.

    Returns
    -------
    SegregationCurve
    """
    cells, a, b, labels, units = _prepare(
        data, by, unit, weight, comparison(compare, reference, groups)
    )
    share = a / (a + b)
    order = np.lexsort((np.arange(a.size), share))
    x = np.concatenate([[0.0], np.cumsum(b[order]) / b.sum()])
    y = np.concatenate([[0.0], np.cumsum(a[order]) / a.sum()])
    tag_a, tag_b = str(labels[0]), str(labels[1])
    table = pd.DataFrame(
        {
            cells.unit: [None, *units[order]],
            f"share_{tag_a}": [math.nan, *share[order]],
            f"cum_{tag_b}": x,
            f"cum_{tag_a}": y,
        }
    )
    return SegregationCurve(
        table=table,
        groups=labels,
        D=float(kernels.dissimilarity(a, b)),
        gini=float(kernels.gini(a, b)),
    )


# --------------------------------------------------------------------------------------------------
# Expected values under random allocation
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpectedValues(Result):
    """Indices observed and expected if people were allocated to units at random.

    ``table`` has one row per index: ``observed``, ``expected`` (mean over the simulations),
    ``sd`` (their standard deviation) and ``excess`` (observed minus expected).
    """

    table: pd.DataFrame
    n_sim: int
    fixed_margins: bool
    title: str = "Segregation expected under random allocation"

    def __getitem__(self, name: str) -> float:
        row = self.table.loc[self.table["index"] == name, "expected"]
        return float(row.iloc[0])

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()


def expected_values(
    data: pd.DataFrame,
    by: str,
    unit: str,
    weight: str | None = None,
    *,
    compare: Hashable | None = None,
    reference: Hashable | None = None,
    groups: Sequence[Hashable] | None = None,
    b: float = 0.5,
    n_sim: int = 100,
    seed: int | None = None,
    fixed_margins: bool = True,
) -> ExpectedValues:
    """What each index would be if nobody's unit depended on their group.

    Segregation indices are biased upwards in small units: even if women and men were assigned to
    occupations by lot, chance alone would make small occupations look segregated, and D would not
    be 0 (Winship 1977; Elbers 2021). This simulates ``n_sim`` tables with the observed unit sizes
    and group totals and people allocated at random (:func:`research.segregation.bootstrap.
    random_allocation`), and reports each index's mean and standard deviation over them. An
    observed D of 0.30 means little when 0.25 is expected by chance.

    Parameters
    ----------
    data, by, unit, weight, compare, reference, groups
        As for :func:`dissimilarity`; with more than two groups and none named, only M and H.
    b : float, default 0.5
        Atkinson's shape parameter.
    n_sim : int, default 100
        Simulated tables.
    seed : int
        Seed of the simulation (required).
    fixed_margins : bool, default True
        Keep both margins (hypergeometric allocation), or only the unit sizes (each person's group
        drawn with the overall shares, Winship's binomial model).

    Returns
    -------
    ExpectedValues

    References
    ----------
    Winship, C. (1977). A revaluation of indexes of residential segregation. *Social Forces* 55(4),
    1058-1066.
    """
    n_sim = bootstrap.check_n_boot(n_sim)
    if n_sim == 0:
        raise InputError("n_sim must be at least 2 simulated tables.")
    beta = _check_beta(b)
    rng = make_rng(seed, "the simulation")
    cells = tabulate(data, by, unit, weight)
    spec = comparison(compare, reference, groups)
    two = spec.given or len(cells.groups) == 2
    if two:
        a, bb, _, _ = pair(cells, spec)
        require_units(a.size, cells.unit)
        table = kernels.two_group_table(a, bb)
    else:
        table = cells.counts
        require_units(table.shape[0], cells.unit)
    bootstrap.whole_total(float(table.sum()))
    sims = bootstrap.random_allocation(
        table.sum(axis=1), table.sum(axis=0), n_sim, rng, fixed_margins=fixed_margins
    )
    if two:
        observed = registry.compute_all(table[:, 0], table[:, 1], beta)
        simulated = registry.compute_all(sims[..., 0], sims[..., 1], beta)
    else:
        m, e = kernels.mutual_information(table)
        sm, se = kernels.mutual_information(sims)
        observed = {"M": m, "H": m / e}
        simulated = {"M": sm, "H": sm / se}
    rows = []
    for key, value in observed.items():
        sims_k = np.asarray(simulated[key], dtype=np.float64)
        rows.append(
            {
                "index": key,
                "label": INDEX_LABELS[key],
                "observed": float(value),
                "expected": float(np.nanmean(sims_k)),
                "sd": float(np.nanstd(sims_k, ddof=1)),
                "excess": float(value) - float(np.nanmean(sims_k)),
            }
        )
    return ExpectedValues(table=pd.DataFrame(rows), n_sim=n_sim, fixed_margins=fixed_margins)
