import base64
import json
import pickle
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.post("/case")
async def case(request: Request):
    param = (await request.json())["value"]
    switch = "b"
    if switch == "a":
        bar = "safe"
    else:
        bar = param
    obj = pickle.loads(base64.b64decode(bar))
    return {"done": True}
