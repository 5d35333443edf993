import logging

LOG = logging.getLogger(__name__)


class PolicyNotAuthorized(Exception):
    pass


def is_authorized(enforcer, context, action, target):
    try:
        enforcer.enforce(action, target, context.to_policy_values(), do_raise=True)
    except PolicyNotAuthorized:
        return False
    except Exception:
        LOG.exception("policy check failed for %s", action)
        return False
    return True
