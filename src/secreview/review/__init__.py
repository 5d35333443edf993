"""Code review mode: review a change (a diff, a commit, a branch), not a whole tree.

Each changed Python file is reviewed whole, before and after the change; what the change
introduced is told apart from what was already there by fingerprint, which holds no line number,
so moved or renamed code does not look new.
"""
