import os

import yaml


def write_kubeconfig(path, cluster, user_token):
    document = {"clusters": [cluster], "users": [{"token": user_token}]}
    with open(path, "w") as out:
        yaml.safe_dump(document, out)
    os.chmod(path, 0o600)
