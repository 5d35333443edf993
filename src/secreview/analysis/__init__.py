"""Analyses over parsed modules: pattern rules now, data flow next."""
