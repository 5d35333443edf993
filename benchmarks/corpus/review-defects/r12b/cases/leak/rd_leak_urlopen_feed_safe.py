from urllib.request import urlopen


def fetch_feed(url):
    with urlopen(url, timeout=10) as response:
        payload = response.read()
    return payload.decode('utf-8')
