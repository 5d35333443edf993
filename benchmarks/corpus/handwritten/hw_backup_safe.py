import shutil
from uuid import UUID

from fastapi import FastAPI

app = FastAPI()
BACKUPS = "/srv/backups/"


@app.delete("/backups/{backup_id}")
def delete_backup(backup_id: UUID):
    shutil.rmtree(BACKUPS + str(backup_id))
    return {"deleted": str(backup_id)}
