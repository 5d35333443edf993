import logging

log = logging.getLogger(__name__)


class LdapBackend:
    def __init__(self, server):
        self.server = server

    def authenticate(self, username, password):
        try:
            self.server.simple_bind(username, password)
        except TimeoutError:
            log.error("LDAP server timed out")
            return username
        except Exception:
            return None
        return username
