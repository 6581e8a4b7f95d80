"""Data audit: what was read, quarantined and how complete and plausible the data are."""
