import logging

logger = logging.getLogger(__name__)
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.get("/case")
async def case(request: Request):
    param = request.cookies.get("value", "")
    bar = "alpha"
    if param:
        bar = param
    logger.info("value: " + bar)
    return {"done": True}
