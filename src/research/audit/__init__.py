"""Equal pay audit: the EHRC five steps and a Logib-style regression test.

* :func:`equal_pay_audit` - the EHRC five-step equal pay audit within groups doing equal work
  (:mod:`research.audit.equal_pay`);
* :func:`logib_regression` - the Swiss Logib standard analysis regression test of equal pay
  (:mod:`research.audit.logib`);
* :func:`research.audit.report.build` - the report of notebook 40 (findings, tables, figures).

Compared groups are named as everywhere in the workbench: ``by="sex", reference="M",
compare="F"``. A proposed pay structure and its equality impact assessment are in
:mod:`research.paystructure`; job mappings are read by :mod:`research.data.structures`.
"""

from research.audit.equal_pay import (
    DEFAULT_ELEMENTS,
    EQUAL_WORK_BASES,
    EqualPayAudit,
    PayElement,
    contributing_factors,
    equal_pay_audit,
    equal_work_groups,
    grouping_basis,
    job_mapping_table,
)
from research.audit.logib import (
    RATINGS,
    LogibResult,
    logib_rating,
    logib_regression,
    prepare_logib_datalist,
    workforce_logib_frame,
)

__all__ = [
    "DEFAULT_ELEMENTS",
    "EQUAL_WORK_BASES",
    "RATINGS",
    "EqualPayAudit",
    "LogibResult",
    "PayElement",
    "contributing_factors",
    "equal_pay_audit",
    "equal_work_groups",
    "grouping_basis",
    "job_mapping_table",
    "logib_rating",
    "logib_regression",
    "prepare_logib_datalist",
    "workforce_logib_frame",
]
