"""Data layer: canonical schema, readers, column mappings, ingest, datasets, synthetic data."""
