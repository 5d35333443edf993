"""Pattern rules: checks of one call or statement, on names resolved through imports."""
