"""secreview: a security code reviewer for Python whose every finding is evidence."""

__version__ = "0.1.0"
