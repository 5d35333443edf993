"""Where code under review comes from: files and trees on disk (diffs and commits later)."""
