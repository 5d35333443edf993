import random
import secrets
import string

from fastapi.responses import JSONResponse
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()

ALPHABET = string.ascii_letters + string.digits

ALLOWED_VALUES = ("alpha", "beta", "gamma")


class Holder:
    def __init__(self, value):
        self.value = value
        self.label = "safe"


@app.post("/case")
async def case(request: Request):
    param = "".join(random.Random().choice(ALPHABET) for _ in range(24))
    bar = Holder(param).value
    resp = Response("ok")
    resp.headers["X-CSRF-Token"] = bar
    return resp
