import logging

import requests

LOG = logging.getLogger(__name__)


class WeatherClient:
    def __init__(self, base, api_key):
        self.base = base
        self.api_key = api_key

    def forecast(self, city):
        url = f"{self.base}/forecast?city={city}"
        LOG.debug("GET %s", url)
        headers = {"X-Api-Key": self.api_key}
        return requests.get(url, headers=headers, timeout=10).json()
