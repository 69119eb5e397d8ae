"""Benchmarks: scripts that print measured figures (never run by the test suite)."""
