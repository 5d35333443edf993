import os
import shutil


def backup(database, backup_path):
    if not os.path.exists(backup_path):
        shutil.copy2(database, backup_path)
