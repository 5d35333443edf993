import os
from werkzeug.utils import secure_filename
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.get("/case")
async def case(request: Request):
    param = request.query_params["value"]
    values = {"keyA": "safe", "keyB": param}
    bar = values["keyB"]
    with open(os.path.join("/srv/data", bar)) as handle:
        data = handle.read()
    return {"done": True}
