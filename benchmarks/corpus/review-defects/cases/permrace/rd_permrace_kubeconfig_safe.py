import os

import yaml


def write_kubeconfig(path, cluster, user_token):
    document = {"clusters": [cluster], "users": [{"token": user_token}]}
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
        yaml.safe_dump(document, out)
    os.chmod(path, 0o600)
