"""The disclosure audit's programme (one HiGHS instance, warm re-solves) against fresh solves.

Every interval is checked against ``scipy.optimize.linprog`` solving the same programme from
scratch, and against hand-computed tables.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import linprog

from research.present.programme import InconsistentCounts, Programme


def _fresh(matrix, values, holds, atoms, sense):
    objective = np.zeros(matrix.shape[1])
    objective[atoms] = sense
    rows = np.flatnonzero(holds)
    result = linprog(
        objective, A_eq=matrix[rows], b_eq=values[rows], bounds=(0, None), method="highs"
    )
    if result.status == 3:
        return -math.inf
    assert result.status == 0
    return result.fun


def _two_by_three():
    """Women/men x three grades: cells 0-5 (row-major), margins published as equations."""
    table = np.array([[3, 40, 7], [25, 12, 30]])
    rows, values = [], []
    for i in range(2):  # sex totals
        rows.append([1.0 if k // 3 == i else 0.0 for k in range(6)])
        values.append(table[i].sum())
    for j in range(3):  # grade totals
        rows.append([1.0 if k % 3 == j else 0.0 for k in range(6)])
        values.append(table[:, j].sum())
    for k in range(6):  # every inner cell
        rows.append([1.0 if m == k else 0.0 for m in range(6)])
        values.append(table.flat[k])
    return sparse.csr_matrix(np.array(rows)), np.array(values, dtype=float)


def test_hand_computed_intervals_of_a_two_way_table():
    matrix, values = _two_by_three()
    programme = Programme(matrix, values, fixed_rows=0)
    # everything published: each cell is pinned to its value
    assert programme.interval(np.array([0])) == pytest.approx((3, 3))
    # hide women in grades 1 and 3 and men in grades 1 and 3 (rows 5, 7, 8, 10):
    holds = np.ones(11, dtype=bool)
    holds[[5, 7, 8, 10]] = False
    programme.hold(holds)
    # women in grade 1 = w1; w1 + w3 = 10, w1 + m1 = 28, w3 + m3 = 37 -> w1 in [0, 10]
    assert programme.interval(np.array([0])) == pytest.approx((0, 10))
    assert programme.interval(np.array([3])) == pytest.approx((18, 28))
    # publish them again: pinned again
    programme.hold(np.ones(11, dtype=bool))
    assert programme.interval(np.array([2])) == pytest.approx((7, 7))


def test_unconstrained_sum_is_unbounded_above():
    matrix = sparse.csr_matrix(np.array([[1.0, 1.0, 0.0]]))
    programme = Programme(matrix, np.array([5.0]), fixed_rows=0)
    assert programme.interval(np.array([0])) == pytest.approx((0, 5))
    low, high = programme.interval(np.array([2]))
    assert low == 0 and math.isinf(high)


def test_inconsistent_counts_are_refused():
    # a + b = 5 and a + b = 7 cannot both hold
    matrix = sparse.csr_matrix(np.array([[1.0, 1.0], [1.0, 1.0]]))
    with pytest.raises(InconsistentCounts, match="do not add up"):
        Programme(matrix, np.array([5.0, 7.0]), fixed_rows=0)


def test_fixed_rows_always_hold():
    # row 0 (fixed): a - b = 0; row 1: a + b = 10
    matrix = sparse.csr_matrix(np.array([[1.0, -1.0], [1.0, 1.0]]))
    programme = Programme(matrix, np.array([0.0, 10.0]), fixed_rows=1)
    programme.hold(np.array([False, True]))
    assert programme.interval(np.array([0])) == pytest.approx((5, 5))
    programme.hold(np.array([False, False]))  # the fixed row stays
    low, high = programme.interval(np.array([0]))
    assert low == 0 and math.isinf(high)


def test_binding_rows_are_those_with_non_zero_duals():
    matrix, values = _two_by_three()
    programme = Programme(matrix, values, fixed_rows=0)
    holds = np.ones(11, dtype=bool)
    holds[[5, 7, 8, 10]] = False
    programme.hold(holds)
    binds = programme.binding(np.array([0]))
    # the hidden rows never bind; some published margin of women or of grade 1 does
    assert not binds[[5, 7, 8, 10]].any()
    assert binds[[0, 2, 3, 4]].any()


@pytest.mark.parametrize("seed", range(6))
def test_warm_solves_agree_with_fresh_solves(seed):
    """Random tables, random margins, equations switched on and off in random order."""
    rng = np.random.default_rng(seed)
    n_atoms = 30
    truth = rng.integers(0, 20, n_atoms).astype(float)
    rows = (rng.random((45, n_atoms)) < 0.2).astype(float)
    rows = rows[rows.sum(axis=1) > 0]
    matrix = sparse.csr_matrix(rows)
    values = rows @ truth
    fixed = 3
    programme = Programme(matrix, values, fixed_rows=fixed)
    holds = np.ones(rows.shape[0], dtype=bool)
    for _ in range(12):
        holds = holds & (rng.random(rows.shape[0]) > 0.1)  # hiding only, as in protection
        programme.hold(holds)
        atoms = rng.choice(n_atoms, size=rng.integers(1, 5), replace=False)
        effective = holds.copy()
        effective[:fixed] = True
        low, high = programme.interval(atoms)
        assert low == pytest.approx(max(_fresh(matrix, values, effective, atoms, 1.0), 0.0))
        expected_high = -_fresh(matrix, values, effective, atoms, -1.0)
        if math.isinf(expected_high):
            assert math.isinf(high)
        else:
            assert high == pytest.approx(expected_high)
        assert low - 1e-6 <= truth[atoms].sum() <= high + 1e-6
