"""The decompositions of the report, run together on one analysis frame.

:func:`run` applies Blinder-Oaxaca (with its sensitivity to the benchmark pay structure),
Brown-Moon-Zoloth (when there are at least two occupations), RIF quantile decompositions and
DFL reweighting to an :class:`~research.decomposition.frame.AnalysisFrame`, with men as group A
and women as group B.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import pandas as pd

from research.core.checks import InputError
from research.decomposition import _numeric as nm
from research.decomposition.bmz import BMZResult, brown_moon_zoloth
from research.decomposition.frame import MEN, OUTCOME, WOMEN, AnalysisFrame
from research.decomposition.measure import PayMeasure
from research.decomposition.oaxaca import OaxacaResult, oaxaca_blinder, reference_sensitivity
from research.decomposition.quantile import RIFResult, rif_decomposition
from research.decomposition.reweighting import DFLResult, dfl

__all__ = ["REFERENCES", "Decompositions", "run"]

#: Notebook names of the two-fold references -> oaxaca_blinder's names (A = men, B = women).
REFERENCES = {
    "pooled": "pooled",
    "men": "A",
    "women": "B",
    "neumark": "neumark",
    "reimers": "reimers",
    "cotton": "cotton",
}


@dataclass
class Decompositions:
    """Every decomposition the report shows, the warnings they raised (as notes), and the pay
    they compare (``measure``: hourly, or annual basic pay when hours are not recorded)."""

    ob: OaxacaResult
    sensitivity: pd.DataFrame
    bmz: BMZResult | None
    rif: RIFResult
    dfl: DFLResult
    notes: list[str] = field(default_factory=list)
    measure: PayMeasure | None = None


@nm.single_threaded
def run(
    af: AnalysisFrame,
    *,
    reference: str = "pooled",
    se: str = "analytic",
    n_boot: int = 200,
    seed: int = 2025,
    quantiles: list[float] | None = None,
) -> Decompositions:
    """Blinder-Oaxaca (and its sensitivity to the benchmark), BMZ, RIF and DFL on ``af``.

    ``reference`` is the benchmark pay structure of the two-fold split, by the report's names
    (:data:`REFERENCES`); men are group A and women group B throughout, so every gap is men minus
    women. Warnings raised by the estimators (rows left out, failed bootstrap replicates) are
    kept, once each, in ``notes``.
    """
    if reference not in REFERENCES:
        raise InputError(f"reference {reference!r} is not one of {', '.join(REFERENCES)}.")
    quantiles = quantiles or [0.1, 0.25, 0.5, 0.75, 0.9]
    data, covariates = af.data, af.covariates
    notes: list[str] = []
    common = {"group_a": MEN, "group_b": WOMEN}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ob = oaxaca_blinder(
            data,
            OUTCOME,
            covariates,
            "sex",
            reference=REFERENCES[reference],
            normalize=True,
            se=se,
            n_boot=n_boot,
            seed=seed,
            one_sided="drop",
            **common,
        )
        sens = reference_sensitivity(
            data,
            OUTCOME,
            covariates,
            "sex",
            references=list(REFERENCES.values()),
            one_sided="drop",
            **common,
        )
        sens.insert(0, "benchmark", list(REFERENCES))
        bmz = None
        if "occupation_group" in data and data["occupation_group"].nunique() >= 2:
            within = [c for c in covariates if c != "occupation_group"]
            bmz = brown_moon_zoloth(
                data,
                OUTCOME,
                within,
                "sex",
                "occupation_group",
                attainment=af.personal,
                reference="A",
                se="bootstrap",
                n_boot=n_boot,
                seed=seed,
                one_sided="drop",
                **common,
            )
        rif = rif_decomposition(
            data,
            OUTCOME,
            covariates,
            "sex",
            quantiles=quantiles,
            reference=REFERENCES[reference],
            normalize=True,
            se="bootstrap",
            n_boot=n_boot,
            seed=seed,
            one_sided="drop",
            **common,
        )
        reweighted = dfl(
            data,
            OUTCOME,
            covariates,
            "sex",
            reference="B",
            quantiles=quantiles,
            trim="auto",
            se="bootstrap",
            n_boot=n_boot,
            seed=seed,
            **common,
        )
    for w in caught:
        text = str(w.message)
        if text not in notes:
            notes.append(text)
    return Decompositions(ob, sens, bmz, rif, reweighted, af.notes + notes, af.measure)
