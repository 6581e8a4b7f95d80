"""One harness for the four decomposition estimators.

:func:`~research.decomposition.oaxaca_blinder`, :func:`~research.decomposition.brown_moon_zoloth`,
:func:`~research.decomposition.dfl` and :func:`~research.decomposition.rif_decomposition` follow
the same steps, and each step lives here once:

1. **Options** (:func:`options`): the kind of standard errors a method offers, the confidence
   level, the number of bootstrap replicates and the seed, checked at the door
   (:func:`research.core.random.make_rng` refuses a missing seed before any work is done).
2. **Groups and design** (:func:`select_groups`, :func:`prepare`): the rows of the two groups
   compared, the checks of the covariates, categories present in one group only, the split and
   standardised design.
3. **Point estimate**: the method's own function.
4. **Uncertainty**: analytic standard errors (Blinder-Oaxaca only), or the bootstrap
   (:func:`bootstrap`): employees are resampled with replacement within each group, as counts
   (:func:`resample_counts`; :func:`replicate_counts` yields the same numbers one replicate at a
   time), from one generator seeded once, group A's counts drawn first; each
   replicate re-runs the point estimate with weights ``counts x weights``
   (Blinder-Oaxaca instead solves all replicates at once from the same counts). Replicates that
   cannot be estimated (a category lost in one group) are counted, left out and reported
   (:func:`failures`); when all fail, an error says what to pool.
5. **Result** (:func:`estimate`, :func:`info`): :class:`~research.core.results.Estimate` objects
   with the bootstrap or analytic standard error, interval and bias-corrected value, and the
   ``info`` every result carries (groups, sample sizes, options, replicates and failures).

**Groups and sign.** ``by`` is the column that holds the groups, ``group_a`` the value of the
first group and ``group_b`` that of the second; every gap is ``mean(A) - mean(B)`` (Jann 2008),
and the groups are never swapped. The workbench's reports compare men (A) with women (B), so a
positive gap means men are paid more, as in the UK statutory gender pay gap.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from research.core.checks import InputError, require_columns
from research.core.random import make_rng
from research.core.results import Estimate
from research.decomposition import _design as dz
from research.decomposition import _numeric as nm

#: Bootstrap replicates whose resampling counts are drawn at once.
_BLOCK_REPS = 64

# --------------------------------------------------------------------------------------------
# 1. Options
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """Checked uncertainty options of one estimator call."""

    se: str | None
    level: float
    n_boot: int
    seed: int | None

    @property
    def bootstrap(self) -> bool:
        return self.se == "bootstrap"

    @property
    def z(self) -> float:
        return nm.z_value(self.level)

    def replicates_used(self, n_failed: int) -> int:
        """Replicates behind a bootstrap standard error (0 without a bootstrap)."""
        return self.n_boot - n_failed if self.bootstrap else 0


def options(
    se: str | None,
    *,
    level: float,
    n_boot: int,
    seed: int | None,
    allowed: Sequence[str | None] = (None, "analytic", "bootstrap"),
    refusal: str | None = None,
) -> Options:
    """Check ``se`` against the method's ``allowed`` kinds, the level, ``n_boot`` and the seed.

    ``refusal`` is the message for an ``se`` the method does not offer (default: the list).
    """
    if se not in allowed:
        kinds = [repr(a) for a in allowed]
        raise InputError(
            refusal or f"se={se!r} is not known; use {', '.join(kinds[:-1])} or {kinds[-1]}."
        )
    level = nm.check_level(level)
    if se == "bootstrap":
        n_boot = nm.check_n_boot(n_boot)
        make_rng(seed)
    return Options(se, level, n_boot, seed)


# --------------------------------------------------------------------------------------------
# 2. Groups and design
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    frame: pd.DataFrame
    in_a: np.ndarray
    group_a: Hashable
    group_b: Hashable
    n_other: int


def select_groups(
    data: pd.DataFrame, by: str, group_a: Hashable, group_b: Hashable | None
) -> Sample:
    """Rows of groups A and B (A first is not required); other values counted and left out."""
    require_columns(data, [by], role="group")
    values = data[by]
    present = dz.observed_levels(values)
    matches_a = [v for v in present if v == group_a or str(v) == str(group_a)]
    if not matches_a:
        raise InputError(
            f"group_a={group_a!r} is not a value of {by!r}; values are {dz.listed(present)}."
        )
    a = matches_a[0]
    others = [v for v in present if v != a]
    if group_b is None:
        if len(others) != 1:
            raise InputError(
                f"Column {by!r} has {len(present)} values ({dz.listed(present)}); name the "
                "comparison group with group_b= (other values are then left out and counted)."
            )
        b = others[0]
    else:
        matches_b = [v for v in others if v == group_b or str(v) == str(group_b)]
        if not matches_b:
            raise InputError(
                f"group_b={group_b!r} is not a value of {by!r} other than group_a; values "
                f"are {dz.listed(present)}."
            )
        b = matches_b[0]
    is_a = (values == a).to_numpy(dtype=bool)
    is_b = (values == b).to_numpy(dtype=bool)
    both = is_a | is_b
    frame = data if both.all() else data.loc[both]  # no copy when every row is compared
    in_a = is_a[both]
    for label, flag in (("A", in_a), ("B", ~in_a)):
        if flag.sum() < 2:
            raise InputError(
                f"Group {label} ({a if label == 'A' else b!r}) has {int(flag.sum())} rows; a "
                "decomposition needs both groups."
            )
    return Sample(frame, in_a, a, b, int(len(data) - len(frame)))


@dataclass(frozen=True)
class Prepared:
    """Everything the estimators need: split design, weights, outcome, normalisation maps.

    The design is held per *cell* (distinct covariate pattern; :func:`_design.collapse`): ``Zc[g]``
    is the standardised design of group ``g``'s cells, ``cell[g]`` the cell of each of its rows,
    so the design row of row ``i`` is ``Zc[g][cell[g][i]]`` and every cross product is a sum over
    cells of per-cell sums (:meth:`sums`). With a numeric covariate every row is its own cell.
    """

    design: dz.Design
    expansion: dz.Expansion
    std: nm.Standardizer
    Zc: tuple[np.ndarray, np.ndarray]
    cell: tuple[np.ndarray, np.ndarray]
    #: Row of ``design.matrix`` of each cell of each group.
    cell_rows: tuple[np.ndarray, np.ndarray]
    rows: tuple[np.ndarray, np.ndarray]
    y: tuple[np.ndarray, np.ndarray]
    w: tuple[np.ndarray, np.ndarray]
    weighted: bool
    excluded: pd.DataFrame
    sample: Sample
    #: ``Z'WZ`` of each group (computed once, when identification is checked).
    S: list[np.ndarray] = field(default_factory=list)

    @property
    def Z(self) -> tuple[np.ndarray, np.ndarray]:
        """The standardised design of each group's rows (a copy, made on request)."""
        return tuple(Zc[c] for Zc, c in zip(self.Zc, self.cell, strict=True))

    @property
    def X(self) -> tuple[np.ndarray, np.ndarray]:
        """The design of each group's rows (a copy, made on request)."""
        return tuple(
            self.design.matrix[r][c] for r, c in zip(self.cell_rows, self.cell, strict=True)
        )

    def Xc(self, g: int) -> np.ndarray:
        """The (unstandardised) design of group ``g``'s cells."""
        return self.design.matrix[self.cell_rows[g]]

    def n(self, g: int) -> int:
        return int(self.y[g].size)

    def sums(self, g: int, v: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        """Per-cell sums of ``v`` (or of ``v * values``) over group ``g``'s rows."""
        size = self.Zc[g].shape[0]
        return np.bincount(
            self.cell[g], weights=v if values is None else v * values, minlength=size
        )


def prepare(
    data: pd.DataFrame,
    outcome: str,
    covariates: Sequence[str],
    by: str,
    *,
    group_a: Hashable,
    group_b: Hashable | None = None,
    normalize: Any = None,
    weights: str | None = None,
    base: Mapping[str, Hashable] | None = None,
    one_sided: str = "error",
) -> Prepared:
    """Select the groups, check inputs, handle one-sided categories, build the split design."""
    if one_sided not in ("error", "drop"):
        raise InputError(f"one_sided={one_sided!r} is not known; use 'error' or 'drop'.")
    dz.check_frame(data, outcome=outcome, covariates=covariates, group=by, weights=weights)
    sample = select_groups(data, by, group_a, group_b)
    frame, in_a = sample.frame, sample.in_a
    design, cells = dz.cell_design(frame, covariates, base=base)
    dummy_sets = _numeric_dummy_sets(normalize)
    excluded = dz.one_sided_cells(frame, design, in_a, dummy_sets)
    if len(excluded):
        if one_sided == "error":
            raise InputError(
                "Some categories are present in one group only, so their coefficients cannot be "
                "estimated in the other group and the decomposition is not identified:\n"
                + excluded.to_string(index=False)
                + "\nPool them with similar categories (e.g. with research.decomposition."
                "pool_rare) or pass one_sided='drop' to leave those rows out (they are reported)."
            )
        dropped = []
        while len(excluded):
            dropped.append(excluded)
            keep = ~excluded.attrs["mask"]
            frame, in_a = frame.loc[keep], in_a[keep]
            for label, flag in (("A", in_a), ("B", ~in_a)):
                if flag.sum() < 2:
                    raise InputError(
                        f"After dropping categories present in one group only, group {label} has "
                        f"{int(flag.sum())} rows; pool categories instead."
                    )
            design, cells = dz.cell_design(frame, covariates, base=base)
            excluded = dz.one_sided_cells(frame, design, in_a, dummy_sets)
        excluded = pd.concat(dropped, ignore_index=True)
        warnings.warn(
            f"{int(excluded['rows'].sum())} rows in categories present in one group only were "
            "left out (see result.excluded).",
            UserWarning,
            stacklevel=4,
        )
    sets = dz.resolve_normalize(design, normalize)
    expansion = dz.expansion(design, sets)
    y_all = frame[outcome].to_numpy(dtype=np.float64)
    w_all = np.ones(len(frame)) if weights is None else frame[weights].to_numpy(dtype=np.float64)
    parts = (in_a, ~in_a)
    rows = tuple(np.flatnonzero(m) for m in parts)
    X_all = design.matrix
    if cells is None:  # every row its own cell
        std = nm.Standardizer.fit(X_all, w_all)
        cell_rows = rows
        cell = tuple(np.arange(r.size) for r in rows)
    else:
        std = nm.Standardizer.fit(
            X_all, np.bincount(cells.cell, weights=w_all, minlength=cells.size)
        )
        cell_rows, cell = [], []
        for m in parts:
            present, local = np.unique(cells.cell[m], return_inverse=True)
            cell_rows.append(present)
            cell.append(local.reshape(-1))
        cell_rows, cell = tuple(cell_rows), tuple(cell)
    prepared = Prepared(
        design=design,
        expansion=expansion,
        std=std,
        Zc=tuple(std.apply(X_all, r) for r in cell_rows),  # standardised, split by group
        cell=cell,
        cell_rows=cell_rows,
        rows=rows,
        y=tuple(y_all[m] for m in parts),
        w=tuple(w_all[m] for m in parts),
        weighted=weights is not None,
        excluded=excluded.reset_index(drop=True) if len(excluded) else excluded,
        sample=Sample(frame, in_a, sample.group_a, sample.group_b, sample.n_other),
    )
    _check_identified(prepared)
    return prepared


def _numeric_dummy_sets(normalize: Any) -> list[str]:
    """Numeric dummy columns named in ``normalize`` (checked for one-sided categories)."""
    if normalize is None or isinstance(normalize, bool | str):
        return []
    items = normalize.values() if isinstance(normalize, Mapping) else normalize
    return [c for item in items if not isinstance(item, str) for c in item]


def _check_identified(prep: Prepared) -> None:
    """Raise naming the collinear columns when a group's design is rank deficient."""
    labels = prep.design.labels
    for g, name in enumerate(("A", "B")):
        n, p = prep.n(g), prep.Zc[g].shape[1]
        if n <= p:
            raise InputError(
                f"Group {name} has {n} rows but the model has {p} coefficients; use fewer "
                "covariates or pool categories."
            )
        mass = prep.sums(g, prep.w[g])
        S, _ = nm.weighted_cross(prep.Zc[g], mass)
        prep.S.append(S)
        if nm.singular(S[None])[0]:
            dependent = dz.dependent_columns(prep.Zc[g] * np.sqrt(mass)[:, None], labels)
            raise InputError(
                f"In group {name} the covariates are collinear: {dz.listed(dependent)} "
                "can be written as combinations of the other columns (e.g. a variable constant "
                "within the group, or overlapping dummies). Drop or merge them; the "
                "decomposition would otherwise depend on which column a solver leaves out."
            )


def resample_counts(rng: np.random.Generator, n: int, n_boot: int) -> np.ndarray:
    """How often each of ``n`` rows is drawn in each of ``n_boot`` resamples (``uint8``).

    Each resample draws ``n`` rows with replacement (a multinomial with equal probabilities).
    """
    counts = np.empty((n_boot, n), dtype=np.uint8)
    for start in range(0, n_boot, _BLOCK_REPS):
        stop = min(start + _BLOCK_REPS, n_boot)
        reps = stop - start
        draws = rng.integers(0, n, size=(reps, n))
        draws += (np.arange(reps) * n)[:, None]
        block = np.bincount(draws.ravel(), minlength=reps * n).reshape(reps, n)
        if block.max() > 255:  # pragma: no cover - probability far below 1e-100
            raise RuntimeError("bootstrap count overflow")
        counts[start:stop] = block
    return counts


# --------------------------------------------------------------------------------------------
# 4. Uncertainty: the bootstrap
# --------------------------------------------------------------------------------------------


def resample(opts: Options, sizes: Sequence[int]) -> list[np.ndarray]:
    """Resampling counts of every group (A first) from one generator seeded with ``opts.seed``."""
    rng = make_rng(opts.seed)
    return [resample_counts(rng, n, opts.n_boot) for n in sizes]


#: Draws per call when a group's resampling draws are skipped (bounded temporary memory).
_SKIP_CHUNK = 1 << 22


def replicate_counts(opts: Options, sizes: Sequence[int], group: int) -> Iterator[np.ndarray]:
    """The resampling counts of group ``group`` (0 = A), one replicate at a time.

    The same numbers as :func:`resample` (one generator seeded with ``opts.seed``; all of A's
    replicates, then all of B's), without holding every replicate: a bounded integer draw takes
    32 bits of the generator whatever the size of the call, so the stream can be drawn one
    replicate (or one block of draws) at a time. Earlier groups' draws are made and discarded.
    Memory is one replicate's draws and counts.
    """
    rng = make_rng(opts.seed)
    for n in sizes[:group]:
        total = n * opts.n_boot
        while total > 0:
            step = min(total, _SKIP_CHUNK)
            rng.integers(0, n, size=step, dtype=np.int32 if n < 2**31 else np.int64)
            total -= step
    n = sizes[group]
    dtype = np.int32 if n < 2**31 else np.int64
    for _ in range(opts.n_boot):
        yield np.bincount(rng.integers(0, n, size=n, dtype=dtype), minlength=n)


@dataclass(frozen=True)
class Replicates:
    """Bootstrap replicates (axis 0; failed ones NaN) and how many failed."""

    draws: np.ndarray
    n_failed: int
    level: float

    def summary(self, point: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """SE, interval bounds and bias-corrected estimate (:func:`_numeric.boot_summary`)."""
        return nm.boot_summary(self.draws, point, self.level)


def failures(draws: np.ndarray, opts: Options, *, lost: str, fix: str) -> int:
    """Count the replicates with a NaN; warn when some failed, raise when all did.

    ``lost`` says what a failed replicate lost (``"a category in one group"``), ``fix`` what to
    do when none could be estimated.
    """
    n_failed = int(np.isnan(draws).reshape(draws.shape[0], -1).any(axis=1).sum())
    if n_failed == opts.n_boot:
        raise InputError(f"Every bootstrap replicate lost {lost}; {fix}.")
    if n_failed:
        warnings.warn(
            f"{n_failed} of {opts.n_boot} bootstrap replicates lost {lost} and were left out.",
            UserWarning,
            stacklevel=4,
        )
    return n_failed


def bootstrap(
    opts: Options,
    weights: tuple[np.ndarray, np.ndarray],
    replicate: Callable[[tuple[np.ndarray, np.ndarray]], np.ndarray | None],
    shape: tuple[int, ...],
    *,
    lost: str = "a category in one group",
    fix: str = "pool rare categories",
) -> Replicates:
    """Re-run ``replicate`` on ``opts.n_boot`` resamples within groups.

    ``replicate`` takes per-row weights of groups A and B (resampling counts times ``weights``)
    and returns an array of ``shape``, or ``None`` when the replicate cannot be estimated.
    """
    sizes = [w.size for w in weights]
    streams = zip(replicate_counts(opts, sizes, 0), replicate_counts(opts, sizes, 1), strict=True)
    draws = np.full((opts.n_boot, *shape), np.nan)
    for b, (count_a, count_b) in enumerate(streams):
        out = replicate((count_a * weights[0], count_b * weights[1]))
        if out is not None:
            draws[b] = out
    return Replicates(draws, failures(draws, opts, lost=lost, fix=fix), opts.level)


# --------------------------------------------------------------------------------------------
# 5. Result
# --------------------------------------------------------------------------------------------


def estimate(
    name: str,
    value: float,
    opts: Options,
    *,
    se: float | None = None,
    ci: tuple[float, float] | None = None,
    bias_corrected: float | None = None,
    n_failed: int = 0,
) -> Estimate:
    """One part of a decomposition with its uncertainty, when computed."""
    return Estimate(
        name=name,
        value=float(value),
        se=None if se is None else float(se),
        ci=None if ci is None else (float(ci[0]), float(ci[1])),
        bias_corrected=None if bias_corrected is None else float(bias_corrected),
        n_boot=opts.replicates_used(n_failed),
    )


def estimates(
    names: Sequence[str],
    values: np.ndarray,
    opts: Options,
    replicates: Replicates | None = None,
) -> dict[str, Estimate]:
    """Estimates of ``names`` (point values ``values``), with bootstrap uncertainty if any."""
    if replicates is None:
        return {n: estimate(n, values[i], opts) for i, n in enumerate(names)}
    se, low, high, bc = replicates.summary(values)
    return {
        n: estimate(
            n,
            values[i],
            opts,
            se=se[i],
            ci=(low[i], high[i]),
            bias_corrected=bc[i],
            n_failed=replicates.n_failed,
        )
        for i, n in enumerate(names)
    }


def info(
    opts: Options,
    sample: Sample,
    *,
    outcome: str,
    by: str,
    n_failed: int = 0,
    **details: Any,
) -> dict[str, Any]:
    """The ``info`` of a result: groups compared, sample sizes, method details, options."""
    return {
        "outcome": outcome,
        "by": by,
        "group_a": sample.group_a,
        "group_b": sample.group_b,
        **details,
        "n_a": int(sample.in_a.sum()),
        "n_b": int((~sample.in_a).sum()),
        "n_other": sample.n_other,
        "se": opts.se or "none",
        "n_boot": opts.n_boot if opts.bootstrap else 0,
        "n_boot_failed": n_failed,
        "seed": opts.seed if opts.bootstrap else None,
        "level": opts.level,
    }
