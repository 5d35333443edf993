"""Scoring a tool on a labelled corpus (OWASP Benchmark expected-results format)."""
