import logging

log = logging.getLogger(__name__)


def has_permission(user, project, store):
    try:
        members = store.members(project)
        if user not in members:
            return False
    except KeyError:
        log.info("project %s has no member list", project)
    return True
