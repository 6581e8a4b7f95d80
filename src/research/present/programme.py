"""The disclosure audit's linear programme, solved many times in one HiGHS instance.

:mod:`research.present.publication` asks the same question again and again: how small and how
large can the sum of some atoms (the people a hidden cell counts) be, given that every atom is
non-negative and every published count holds? Between two questions only the objective (which
cell) or the set of published counts (a cell hidden for protection) changes. Building the
programme afresh for every question (as ``scipy.optimize.linprog`` does) spends most of its time
setting up and solving from scratch; here the programme is passed to HiGHS once (Huangfu and
Hall, "Parallelizing the dual revised simplex method", *Mathematical Programming Computation*
10, 2018) and each question changes costs or row bounds and re-solves from the last optimal
basis (warm start). A hidden count's equation is not deleted but made free (bounds
``-inf .. inf``), which keeps the basis valid.

Every row of the programme is an equation ``sum(atoms) = value``; the first ``fixed_rows`` rows
(the consistency of overlapping blocks) always hold, the others can be switched off.
"""

from __future__ import annotations

import math

import highspy
import numpy as np
from scipy import sparse

from research.core.checks import InputError

__all__ = ["Programme", "InconsistentCounts"]

_INF = highspy.kHighsInf
_TOL = 1e-6


class InconsistentCounts(InputError):
    """No table of people fits all the published counts."""


class Programme:
    """Extremes of sums of non-negative atoms under switchable equations.

    Parameters
    ----------
    matrix
        Rows x atoms, the coefficients of the equations (CSR).
    values
        The right-hand side of each equation.
    fixed_rows
        The first ``fixed_rows`` equations always hold; the others hold only while switched on
        (:meth:`hold`). All hold to begin with.

    Raises
    ------
    InconsistentCounts
        If no non-negative solution satisfies all the equations.
    """

    def __init__(self, matrix: sparse.csr_matrix, values: np.ndarray, fixed_rows: int) -> None:
        self.n_rows, self.n_atoms = matrix.shape
        self.fixed_rows = fixed_rows
        self._values = np.asarray(values, dtype=float)
        self._holds = np.ones(self.n_rows, dtype=bool)
        self._objective = np.array([], dtype=np.int32)
        self._sense = 1.0
        self._highs = highspy.Highs()
        self._highs.setOptionValue("output_flag", False)
        self._highs.setOptionValue("presolve", "off")  # re-solves start from the last basis
        self._highs.setOptionValue("solver", "simplex")
        # primal simplex: after a change of costs or a relaxed bound the last basis is still
        # primal feasible, so re-solves take few iterations (with it, building Cincinnati's pay
        # gap report after the other reports took 2.4 s against 3.5 s with the dual simplex)
        self._highs.setOptionValue("simplex_strategy", 4)
        lp = highspy.HighsLp()
        lp.num_col_ = self.n_atoms
        lp.num_row_ = self.n_rows
        lp.col_cost_ = np.zeros(self.n_atoms)
        lp.col_lower_ = np.zeros(self.n_atoms)
        lp.col_upper_ = np.full(self.n_atoms, _INF)
        lp.row_lower_ = self._values
        lp.row_upper_ = self._values
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
        lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
        lp.a_matrix_.value_ = matrix.data.astype(float)
        lp.a_matrix_.num_col_ = self.n_atoms
        lp.a_matrix_.num_row_ = self.n_rows
        self._highs.passModel(lp)
        if self._run() == highspy.HighsModelStatus.kInfeasible:
            raise InconsistentCounts(
                "The published counts do not add up (no table of people fits them all); "
                "check that every table counts the same employees."
            )

    def hold(self, rows: np.ndarray) -> None:
        """Make exactly these switchable equations (a boolean mask over all rows) hold.

        Switching equations off only widens the feasible set, so a programme that was feasible
        stays feasible.
        """
        wanted = np.asarray(rows, dtype=bool).copy()
        wanted[: self.fixed_rows] = True
        changed = np.flatnonzero(wanted != self._holds)
        if changed.size == 0:
            return
        on = wanted[changed]
        lower = np.where(on, self._values[changed], -_INF)
        upper = np.where(on, self._values[changed], _INF)
        self._highs.changeRowsBounds(changed.size, changed.astype(np.int32), lower, upper)
        self._holds = wanted

    def _aim(self, atoms: np.ndarray, sense: float) -> None:
        """Objective: ``sense`` times the sum of ``atoms`` (others cost nothing)."""
        atoms = np.asarray(atoms, dtype=np.int32)
        if self._objective.size:
            zeros = np.zeros(self._objective.size)
            self._highs.changeColsCost(self._objective.size, self._objective, zeros)
        if atoms.size:
            self._highs.changeColsCost(atoms.size, atoms, np.full(atoms.size, sense))
        self._objective, self._sense = atoms, sense

    def _run(self) -> highspy.HighsModelStatus:
        self._highs.run()
        return self._highs.getModelStatus()

    def extreme(self, atoms: np.ndarray, sense: float) -> float:
        """``min`` (``sense`` 1) or ``-max`` (``sense`` -1) of the atoms' sum; ``-inf`` when the
        maximum is unbounded (nothing published limits it)."""
        self._aim(atoms, sense)
        status = self._run()
        if status == highspy.HighsModelStatus.kOptimal:
            return float(self._highs.getInfo().objective_function_value)
        if status in (
            highspy.HighsModelStatus.kUnbounded,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        ):  # the programme is feasible (checked when built; switching off keeps it so)
            return -math.inf
        raise RuntimeError(  # pragma: no cover - solver trouble
            f"The disclosure audit's solver failed: {self._highs.modelStatusToString(status)}"
        )

    def interval(self, atoms: np.ndarray) -> tuple[float, float]:
        """Least and greatest value of the atoms' sum under the equations that hold."""
        low = self.extreme(atoms, 1.0)
        high = -self.extreme(atoms, -1.0)
        return max(low, 0.0), high

    def binding(self, atoms: np.ndarray) -> np.ndarray:
        """Rows whose equations bind the atoms' least or greatest sum (a non-zero dual value in
        either programme), as a boolean mask over all rows."""
        binds = np.zeros(self.n_rows, dtype=bool)
        for sense in (1.0, -1.0):
            if math.isinf(self.extreme(atoms, sense)):
                continue
            duals = np.asarray(self._highs.getSolution().row_dual)
            binds |= np.abs(duals) > _TOL
        return binds
