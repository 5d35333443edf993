from lxml import etree
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


class Holder:
    def __init__(self, value):
        self.value = value
        self.label = "safe"


@app.get("/case/{value}")
async def case(request: Request):
    param = request.path_params["value"]
    bar = Holder(param).label
    root = etree.parse("users.xml")
    nodes = root.xpath("//user[@name='" + bar + "']")
    return {"done": True}
