import base64
import json
import pickle
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.get("/case/{value}")
async def case(request: Request, value: str):
    param = value
    parts = [p.strip() for p in param.split(",") if p in ALLOWED_VALUES]
    bar = ",".join(parts)
    obj = pickle.loads(base64.b64decode(bar))
    return {"done": True}
