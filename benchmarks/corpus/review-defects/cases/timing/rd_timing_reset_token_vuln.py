import secrets

from fastapi import FastAPI, HTTPException

app = FastAPI()
RESETS = {}


@app.post("/password-reset/{user_id}")
def reset(user_id: int, reset_token: str, new_password: str):
    stored_token = RESETS.get(user_id)
    if stored_token is None:
        raise HTTPException(404)
    if reset_token != stored_token:
        raise HTTPException(403)
    return {"ok": True}
