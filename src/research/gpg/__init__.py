"""The council gender pay gap benchmark on the GOV.UK gender pay gap service data.

Modules, one concern each:

* :mod:`~research.gpg.selection` - the council selection rule, types, nations, linking across years
  and reorganisations (``councils``), and the check against the project's extract.
* :mod:`~research.gpg.sectors` - council / other public sector / private and voluntary.
* :mod:`~research.gpg.datachecks` - checks of the published figures themselves.
* :mod:`~research.gpg.benchmark` - name matching, percentile ranks, peers, trends, comparisons
  (``benchmark.benchmark(councils, employer, year)`` gathers them for one council).
* :mod:`~research.gpg.report` - ``build(panel, ...)``: the report of
  ``notebooks/60_council_benchmark.ipynb`` (one council, or all councils); its sentences are in
  :mod:`~research.gpg.findings`, its tables in :mod:`~research.gpg.tables`, its charts in
  :mod:`~research.gpg.figures` (drawn with :mod:`~research.gpg.plots`).

The downloads are read by the data layer (:mod:`research.data.gpg`); this package takes the
harmonised panel as a DataFrame.

Source: "Contains public sector information licensed under the Open Government Licence v3.0."
"""

from research.gpg.benchmark import (
    AmbiguousEmployer,
    CouncilBenchmark,
    EmployerNotFound,
    all_years,
    complete_years,
    match_council,
    resolve_year,
)
from research.gpg.datachecks import check_published, failing_rows, summarise_checks
from research.gpg.sectors import classify, with_sectors
from research.gpg.selection import compare_with_extract, councils, is_council, reorganisations

__all__ = [
    "AmbiguousEmployer",
    "CouncilBenchmark",
    "EmployerNotFound",
    "all_years",
    "check_published",
    "classify",
    "compare_with_extract",
    "complete_years",
    "councils",
    "failing_rows",
    "is_council",
    "match_council",
    "reorganisations",
    "resolve_year",
    "summarise_checks",
    "with_sectors",
]
