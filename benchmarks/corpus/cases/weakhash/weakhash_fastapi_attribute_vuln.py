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


class Holder:
    def __init__(self, value):
        self.value = value
        self.label = "safe"


@app.post("/case")
async def case(request: Request):
    param = request.headers.get("x-password", "")
    bar = Holder(param).value
    hasher = hashlib.sha1()
    hasher.update(bar.encode())
    digest = hasher.hexdigest()
    return {"done": True}
