import random
import secrets
import string

from fastapi.responses import JSONResponse
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()

ALPHABET = string.ascii_letters + string.digits

ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.post("/case")
async def case(request: Request):
    param = "".join(secrets.choice(ALPHABET) for _ in range(32))
    if param == "":
        return {"done": True}
    bar = param
    resp = JSONResponse({"ok": True})
    resp.set_cookie(key="session_token", value=bar, secure=True, httponly=True)
    return resp
