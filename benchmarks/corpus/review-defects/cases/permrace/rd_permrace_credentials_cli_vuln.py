import configparser
import os


def save_credentials(path, user, password):
    config = configparser.ConfigParser()
    config["default"] = {"user": user, "password": password}
    with open(path, "w") as handle:
        config.write(handle)
    os.chmod(path, 0o600)
