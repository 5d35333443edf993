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
    param = "".join(random.choices(ALPHABET, k=32))
    switch = "b"
    if switch == "a":
        bar = "safe"
    else:
        bar = param
    resp = Response("ok")
    resp.headers["X-CSRF-Token"] = bar
    return resp
