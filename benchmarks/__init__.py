"""Benchmarks: ``nox -s bench`` prints each figure of PERFORMANCE.md as a ratio to peers."""
