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
    param = "".join(random.SystemRandom().sample(ALPHABET, 20))
    bar = ""
    for piece in param.split(","):
        bar += piece
    request.session["csrf_token"] = bar
    return {"done": True}
