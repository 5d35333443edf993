from lxml import etree
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.get("/case")
async def case(request: Request, value: str = ""):
    param = value
    bar = param
    doc = etree.fromstring(bar.encode())
    return {"done": True}
