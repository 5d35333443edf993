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
    param = str(random.randint(100000, 999999))
    num = 106
    bar = param if 7 * 18 + num > 200 else "safe"
    return {"access_token": bar}
