"""Core: shared checks, result objects, project paths and hashing. Imports nothing of ours."""
