import os


def read_report(path):
    """Run by a set-user-id helper on behalf of the invoking user."""
    if not isinstance(path, str):
        raise PermissionError(path)
    with open(path) as report:
        return report.read()
