"""Quartile pay bands of the UK regulations, with the reg 13(2) rule for tied hourly rates.

Reg 13(1) (SI 2017/172; Schedule 1 para 13 of SI 2017/353 for public bodies): rank full-pay relevant
employees by hourly pay and divide them into four sections "each comprising (so far as possible) an
equal number of employees"; report the percentage of men and of women in each.

Reg 13(2): "Where employees receiving the same hourly rate of pay fall within more than one quartile
pay band, the employer must (so far as possible) ensure that ... the relative proportion of male and
female employees receiving that rate of pay is the same in each of those pay bands." A plain sort
breaks ties by whatever order the rows happen to be in, so men or women at a tied rate pile into one
band; this module shares them instead.

Conventions
-----------
* Band sizes: ``n // 4`` each; a remainder of 1 goes to the lower band, 2 to the lower and upper
  middle bands, 3 to the lower, lower middle and upper middle bands (the convention of the Acas / GEO
  guidance "Managing gender pay reporting", 2017, used in employers' published methods).
* ``ties="share"`` (default): every band a tied rate straddles receives men and women in exactly the
  tied group's proportion, so band counts of each sex may be fractional. This is the rule applied
  exactly; percentages are then rounded for publication.
* ``ties="integer"``: whole people; each band gets the tied group's men in proportion to its seats,
  rounded by the largest-remainder method (so far as possible, as the regulation says).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BANDS = ("lower", "lower_middle", "upper_middle", "upper")
#: Which bands take the 1, 2 or 3 employees left over when n is not divisible by four.
REMAINDER_BANDS = {0: (), 1: (0,), 2: (0, 2), 3: (0, 1, 2)}


def band_sizes(n: int) -> np.ndarray:
    """Headcount of the four bands for ``n`` employees (see module conventions)."""
    sizes = np.full(4, n // 4, dtype=np.int64)
    for band in REMAINDER_BANDS[n % 4]:
        sizes[band] += 1
    return sizes


def _tie_groups(hourly: np.ndarray, is_male: np.ndarray) -> tuple[np.ndarray, ...]:
    """Ranked rates, and for each distinct rate: start position, size and number of men.

    Order within a tied rate does not matter (the tie rule shares the group), so an unstable sort
    is used.
    """
    order = np.argsort(hourly)
    ranked = hourly[order]
    starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])
    sizes = np.diff(np.r_[starts, ranked.size])
    men = np.add.reduceat(is_male[order].astype(np.int64), starts) if ranked.size else np.array([])
    return ranked, starts, sizes, men


def _overlaps(starts: np.ndarray, sizes: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Seats each tied group takes in each band: an (n_groups, 4) array of overlaps of positions."""
    ends = starts + sizes
    low, high = bounds[:-1], bounds[1:]
    return np.clip(np.minimum(ends[:, None], high) - np.maximum(starts[:, None], low), 0, None)


def _integer_men(seats: np.ndarray, men: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Men per band for groups straddling boundaries, rounded by largest remainder."""
    exact = seats * (men / sizes)[:, None]
    whole = np.floor(exact)
    straddling = np.flatnonzero((seats > 0).sum(axis=1) > 1)
    for g in straddling:  # at most three groups can straddle the three boundaries
        short = int(round(men[g] - whole[g].sum()))
        remainder = exact[g] - whole[g]
        room = seats[g] - whole[g]
        candidates = [b for b in np.argsort(-remainder, kind="stable") if room[b] >= 1][:short]
        whole[g, candidates] += 1
    return whole


def quartile_bands(hourly: np.ndarray, is_male: np.ndarray, *, ties: str = "share") -> pd.DataFrame:
    """Men and women in each quartile pay band, with the reg 13(2) tie rule.

    Parameters
    ----------
    hourly
        Hourly pay of the full-pay relevant women and men.
    is_male
        True for men, False for women (same length).
    ties
        ``"share"`` (exact proportional sharing, fractional counts) or ``"integer"``.

    Returns
    -------
    DataFrame
        One row per band (``band`` in lower, lower_middle, upper_middle, upper) with ``n``,
        ``n_male``, ``n_female``, ``pct_male``, ``pct_female``, ``min_hourly`` and ``max_hourly``.
    """
    if ties not in ("share", "integer"):
        raise ValueError(f"ties must be 'share' or 'integer', got {ties!r}.")
    hourly = np.asarray(hourly, dtype=np.float64)
    is_male = np.asarray(is_male, dtype=bool)
    sizes_band = band_sizes(hourly.size)
    bounds = np.r_[0, np.cumsum(sizes_band)]
    ranked, starts, sizes, men = _tie_groups(hourly, is_male)
    seats = _overlaps(starts, sizes, bounds)
    men_in = (
        _integer_men(seats, men, sizes) if ties == "integer" else seats * (men / sizes)[:, None]
    )
    n_male = men_in.sum(axis=0)
    first = np.minimum(bounds[:-1], max(ranked.size - 1, 0))
    last = np.maximum(bounds[1:] - 1, 0)
    frame = pd.DataFrame(
        {
            "band": list(BANDS),
            "n": sizes_band,
            "n_male": n_male,
            "n_female": sizes_band - n_male,
            "min_hourly": ranked[first] if ranked.size else np.nan,
            "max_hourly": ranked[last] if ranked.size else np.nan,
        }
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["pct_male"] = 100 * frame["n_male"] / frame["n"]
    frame["pct_female"] = 100 - frame["pct_male"]
    return frame[
        ["band", "n", "n_male", "n_female", "pct_male", "pct_female", "min_hourly", "max_hourly"]
    ]


def band_counts(hourly: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Employees of each of several groups in each quartile pay band, in whole people.

    The reg 13(2) rule for more than two groups (ethnic groups in pay quarters): the employees
    of a tied rate that straddles bands fill each band's seats in proportion to the groups'
    numbers at that rate, so far as whole people allow. Each group's exact share of each band
    is rounded up or down (never further), so that every band holds :func:`band_sizes` people
    and every group all its members: a controlled rounding of the tie's (band x group) table,
    which always exists for a two-way table (Cox, 1987, *Journal of the American Statistical
    Association* 82, 520-524), found as the transportation problem that rounds up the largest
    remainders (its linear programme has whole-number solutions). A band holding parts of two
    tied rates can be up to two people from its exact share, one per rate.

    Parameters
    ----------
    hourly
        Hourly pay of the employees ranked (any order).
    codes
        Group of each employee, ``0 .. n_groups - 1``.

    Returns
    -------
    ndarray
        Integer counts, shape ``(4, n_groups)``: bands lowest first.
    """
    hourly = np.asarray(hourly, dtype=np.float64)
    codes = np.asarray(codes, dtype=np.int64)
    bounds = np.r_[0, np.cumsum(band_sizes(hourly.size))]
    order = np.argsort(hourly, kind="stable")
    ranked = hourly[order]
    starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]]) if ranked.size else []
    sizes = np.diff(np.r_[starts, ranked.size]).astype(np.int64)
    members = np.zeros((len(sizes), n_groups), dtype=np.int64)
    np.add.at(members, (np.repeat(np.arange(len(sizes)), sizes), codes[order]), 1)
    seats = _overlaps(np.asarray(starts, dtype=np.int64), sizes, bounds)
    out = np.zeros((4, n_groups), dtype=np.int64)
    single = (seats > 0).sum(axis=1) == 1
    out += seats[single].astype(bool).T.astype(np.int64) @ members[single]
    for t in np.flatnonzero(~single):
        out += _rounded_shares(seats[t], members[t], int(sizes[t]))
    return out


def _rounded_shares(seats: np.ndarray, members: np.ndarray, size: int) -> np.ndarray:
    """Controlled rounding of ``seats x members / size`` (bands x groups) to whole people."""
    from scipy.optimize import linprog

    exact = seats[:, None] * members[None, :] / size
    floor = np.floor(exact + 1e-9).astype(np.int64)
    free = np.argwhere(exact - floor > 1e-9)
    whole = floor.copy()
    if len(free):
        rows, cols = free[:, 0], free[:, 1]
        bands, groups = np.unique(rows), np.unique(cols)
        a_eq = np.vstack(
            [(rows == b).astype(float) for b in bands] + [(cols == g).astype(float) for g in groups]
        )
        b_eq = np.r_[
            seats[bands] - floor.sum(axis=1)[bands], members[groups] - floor.sum(axis=0)[groups]
        ]
        remainder = (exact - floor)[rows, cols]
        result = linprog(-remainder, A_eq=a_eq, b_eq=b_eq, bounds=(0, 1), method="highs")
        if result.status != 0:  # pragma: no cover - a controlled rounding always exists
            raise RuntimeError(f"No whole-people sharing of a tied rate: {result.message}")
        whole[rows, cols] += np.round(result.x).astype(np.int64)
    return whole
