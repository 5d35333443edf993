"""The one error of the git layer."""


class GitError(Exception):
    """git failed, is missing, or the repository lacks what the review needs; the message says
    what was asked and why it cannot be answered."""
