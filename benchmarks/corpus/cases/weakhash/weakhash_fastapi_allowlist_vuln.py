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
async def case(pin: str = Form(...)):
    param = pin
    bar = "alpha"
    if param:
        bar = param
    digest = hashlib.sha1(bar.encode()).hexdigest()
    return {"done": True}
