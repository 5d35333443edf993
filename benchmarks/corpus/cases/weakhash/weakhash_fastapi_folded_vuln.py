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
async def case(request: Request):
    param = (await request.json())["password"]
    num = 106
    bar = param if 7 * 18 + num > 200 else "safe"
    digest = hashlib.sha1(bar.encode()).hexdigest()
    return {"done": True}
