class Forbidden(Exception):
    pass


def check_permission(acl_service, user, resource):
    allowed = False
    try:
        allowed = acl_service.lookup(user, resource)
    except ConnectionError:
        allowed = True
    if not allowed:
        raise Forbidden(resource)
