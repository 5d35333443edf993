import shutil

from fastapi import FastAPI

app = FastAPI()
BACKUPS = "/srv/backups/"


@app.delete("/backups/{name}")
def delete_backup(name: str):
    shutil.rmtree(BACKUPS + name)
    return {"deleted": name}
