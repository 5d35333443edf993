from urllib.request import urlopen


def fetch_feed(url):
    response = urlopen(url, timeout=10)
    payload = response.read()
    return payload.decode('utf-8')
