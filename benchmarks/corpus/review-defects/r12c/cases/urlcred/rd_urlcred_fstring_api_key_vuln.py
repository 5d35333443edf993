import logging

import requests

LOG = logging.getLogger(__name__)


class WeatherClient:
    def __init__(self, base, api_key):
        self.base = base
        self.api_key = api_key

    def forecast(self, city):
        url = f"{self.base}/forecast?city={city}&appid={self.api_key}&api_key={self.api_key}"
        LOG.debug("GET %s", url)
        return requests.get(url, timeout=10).json()
