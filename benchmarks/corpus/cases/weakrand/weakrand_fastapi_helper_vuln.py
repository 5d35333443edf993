import random
import secrets
import string

from fastapi.responses import JSONResponse
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()

ALPHABET = string.ascii_letters + string.digits

ALLOWED_VALUES = ("alpha", "beta", "gamma")


def transform(value):
    return value.strip()


@app.post("/case")
async def case(request: Request):
    param = str(random.random())[2:]
    bar = transform(param)
    resp = JSONResponse({"ok": True})
    resp.set_cookie(key="session_token", value=bar, secure=True, httponly=True)
    return resp
