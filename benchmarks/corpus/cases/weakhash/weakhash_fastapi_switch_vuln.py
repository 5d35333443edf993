import hashlib
import os

from fastapi import Depends, Form
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()

class Credentials(BaseModel):
    username: str
    password: str

ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.post("/case")
async def case(body: Credentials):
    param = body.password
    switch = "b"
    if switch == "a":
        bar = "safe"
    else:
        bar = param
    hasher = hashlib.sha1()
    hasher.update(bar.encode())
    digest = hasher.hexdigest()
    return {"done": True}
