"""git, asked without letting the reviewed repository run anything or change the answer.

`Repository.open` (in `repository`) finds the repository from the file system and answers
through a shadow repository (see `shadow`): the reviewed repository's configuration, hooks and
attributes are never read, only its objects, refs and (a copy of) its index.

The package imports none of its modules: every scan locates repositories (`locate`), but only
a review reads them, so a scan does not load `repository` and `shadow` at start-up.
"""
