import logging
from urllib.parse import urlencode
from urllib.request import Request, urlopen

log = logging.getLogger("sync")


def pull_changes(server, since, token):
    url = server + "/changes?" + urlencode({"since": since})
    log.info("pulling %s", url)
    request = Request(url, headers={"Authorization": "Bearer " + token})
    with urlopen(request, timeout=30) as response:
        return response.read()
