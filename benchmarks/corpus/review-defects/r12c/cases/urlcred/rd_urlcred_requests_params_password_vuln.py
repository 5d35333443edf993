import logging

import requests

logger = logging.getLogger(__name__)


def fetch_report(base, user, password):
    params = {"user": user, "password": password, "format": "csv"}
    response = requests.get(base + "/report", params=params, timeout=20)
    if not response.ok:
        logger.warning("report request failed: %s -> %s", response.url, response.status_code)
    return response.text
