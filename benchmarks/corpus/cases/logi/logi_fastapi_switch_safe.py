import logging

logger = logging.getLogger(__name__)
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.post("/case")
async def case(request: Request):
    param = (await request.body()).decode()
    switch = "a"
    if switch == "a":
        bar = "safe"
    else:
        bar = param
    logger.info("value: " + bar)
    return {"done": True}
