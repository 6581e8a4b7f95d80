"""The known answers of a dataset, for reports that check their methods against them.

A synthetic dataset (``synthetic`` or ``synthetic:key=value,...``) is drawn by
:func:`research.data.synth.generate` with known parameters; :func:`synthetic_truth` returns the
population values those parameters target (:func:`research.data.synth.truth`), so that a report
can say whether its estimates recover them. Real data have no known answer: ``None``. Topics take
the result as ``truth=`` in their ``build`` and never import the generator themselves.
"""

from __future__ import annotations

from research.data import synth
from research.data.datasets import Dataset

__all__ = ["synthetic_senior_truth", "synthetic_terms_truth", "synthetic_truth"]

#: Generator options that change the population values (the others: size, seed, labels).
_MODEL_OPTIONS = ("segregation", "within_job_gap", "female_share", "vertical_segregation")


def synthetic_truth(dataset: Dataset) -> synth.SyntheticTruth | None:
    """The population values behind a synthetic dataset, or ``None`` for any other dataset."""
    options = dataset.summary.get("generator")
    if not options:
        return None
    return synth.truth(**{k: options[k] for k in _MODEL_OPTIONS if k in options})


def synthetic_terms_truth(dataset: Dataset):
    """The expected shares of women and men by contract type and receiving benefits in kind
    behind a synthetic dataset (:class:`research.data.synth_senior.TermsTruth`), or ``None``."""
    from research.data import synth_senior

    known = synthetic_truth(dataset)
    return None if known is None else synth_senior.terms_truth(known.grades, known.occupations)


def synthetic_senior_truth(dataset: Dataset):
    """The senior pay answers of a synthetic dataset drawn with ``senior_tail=true``
    (:class:`research.data.synth_senior.SeniorTruth`), or ``None`` for any other dataset."""
    from research.data import synth_senior

    options = dataset.summary.get("generator") or {}
    if not options.get("senior_tail"):
        return None
    return synth_senior.senior_truth(dataset.data)
