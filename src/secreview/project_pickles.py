"""The files a scanned project writes with pickle, known to every module's review.

A program that caches its own objects often pickles them in one module and unpickles them in
another (a builder writes `doctreedir / f"{name}.doctree"`, the environment reads it back). One
module's review cannot see the other module, so before the review the scanner reads the files
that can write a pickle (their text names a pickling module and a `dump`), collects, in worker
processes under each file's budget, the keys of the files they write
(`pickle_files.pickled_file_keys`) and hands them to every review in the configuration:
`unsafe-deserialization` then rates such a read as the program's own artefact. The keys are part
of the configuration, so the cache reviews every file again when they change.
"""

from __future__ import annotations

from secreview.patterns import lazy_pattern

_MAY_PICKLE = lazy_pattern(r"\b(?:pickle|cPickle|_pickle|dill|cloudpickle|joblib)\b")
_DUMPS = lazy_pattern(r"\bdump\s*\(")
_PICKLER_WORDS = ("ickle", "dill", "joblib")
"""Text each name `_MAY_PICKLE` matches holds, looked for without a pattern: the pattern ran
over the whole text of every file that says `dump` (most of the standard library's)."""


def may_write_pickle(text: str) -> bool:
    """Whether a module's text names a pickling module and a `dump` (read, not parsed)."""
    if "dump" not in text:  # what `_DUMPS` needs: most files say no before any pattern runs
        return False
    if not any(word in text for word in _PICKLER_WORDS):  # what `_MAY_PICKLE` needs
        return False
    return bool(_MAY_PICKLE.search(text) and _DUMPS.search(text))
