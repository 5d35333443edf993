import requests


def sync_users(base_url, token):
    session = requests.Session()
    session.headers['Authorization'] = 'Bearer ' + token
    users = session.get(base_url + '/users', timeout=10).json()
    return len(users)
