"""Context that changes how a finding is reported: test code, suppressions, changed lines."""
