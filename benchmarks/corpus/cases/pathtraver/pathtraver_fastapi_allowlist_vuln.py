import os
from werkzeug.utils import secure_filename
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.post("/case")
async def case(request: Request):
    param = (await request.body()).decode()
    bar = "alpha"
    if param:
        bar = param
    with open(os.path.join("/srv/data", bar)) as handle:
        data = handle.read()
    return {"done": True}
