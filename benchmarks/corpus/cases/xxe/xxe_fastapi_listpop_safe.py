from lxml import etree
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.post("/case")
async def case(request: Request):
    param = (await request.json())["value"]
    items = ["safe", param, "other"]
    items.pop(0)
    bar = items[1]
    doc = etree.fromstring(bar.encode())
    return {"done": True}
