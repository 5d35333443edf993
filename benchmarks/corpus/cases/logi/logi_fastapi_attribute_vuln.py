import logging

logger = logging.getLogger(__name__)
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


class Holder:
    def __init__(self, value):
        self.value = value
        self.label = "safe"


@app.get("/case")
async def case(request: Request, value: str = ""):
    param = value
    bar = Holder(param).value
    logger.info("value: " + bar)
    return {"done": True}
