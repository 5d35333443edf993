import logging
from urllib.parse import urlencode
from urllib.request import urlopen

log = logging.getLogger("sync")


def pull_changes(server, since, token):
    query = urlencode({"since": since, "access_token": token})
    url = server + "/changes?" + query
    log.info("pulling %s", url)
    with urlopen(url, timeout=30) as response:
        return response.read()
