"""A hostile corpus for `benchmarks/robustness.py`, and the tools that measure a scan of it.

Bad input is normal input: every file here is something a repository under review can contain,
from a 3,000-deep bracket to a FIFO named with a newline. The corpus is written fresh for each run
(deterministic for a seed and a standard library) and never imported or run.
"""
