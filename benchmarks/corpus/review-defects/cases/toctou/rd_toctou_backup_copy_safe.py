import os
import shutil


def backup(database, backup_path):
    if not os.path.exists(backup_path):
        with open(database, "rb") as source, open(backup_path, "xb") as target:
            shutil.copyfileobj(source, target)
