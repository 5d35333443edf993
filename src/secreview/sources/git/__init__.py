"""git, asked without letting the reviewed repository run anything or change the answer.

`Repository.open` finds the repository from the file system and answers through a shadow
repository (see `shadow`): the reviewed repository's configuration, hooks and attributes are
never read, only its objects, refs and (a copy of) its index.
"""

from secreview.sources.git.errors import GitError
from secreview.sources.git.repository import (
    GITLINK_MODE,
    SYMLINK_MODE,
    IndexEntry,
    Repository,
    Revision,
    TreeChange,
    decode_path,
)

__all__ = [
    "GITLINK_MODE",
    "SYMLINK_MODE",
    "GitError",
    "IndexEntry",
    "Repository",
    "Revision",
    "TreeChange",
    "decode_path",
]
