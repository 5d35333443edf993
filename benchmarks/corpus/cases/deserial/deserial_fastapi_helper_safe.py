import base64
import json
import pickle
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def transform(value):
    return str(int(value))


@app.get("/case")
async def case(request: Request):
    param = request.headers.get("x-value", "")
    bar = transform(param)
    obj = pickle.loads(base64.b64decode(bar))
    return {"done": True}
