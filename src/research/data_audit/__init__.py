"""Data audit: what was read, quarantined and how complete and plausible the data are.

:mod:`~research.data_audit.quality` holds the checks; :mod:`~research.data_audit.report` builds the
report (``build(data, ingest=..., quarantine=...) -> DataAuditReport``).
"""
