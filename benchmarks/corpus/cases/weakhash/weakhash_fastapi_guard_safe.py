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
async def case(password: str = Form(...)):
    param = password
    if param == "":
        return {"done": True}
    bar = param
    digest = hashlib.scrypt(bar.encode(), salt=os.urandom(16), n=2**14, r=8, p=1).hex()
    return {"done": True}
