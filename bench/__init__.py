"""Benchmarks and the shared generated corpora they run on."""
