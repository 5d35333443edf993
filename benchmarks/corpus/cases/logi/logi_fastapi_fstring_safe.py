import logging

logger = logging.getLogger(__name__)
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.post("/case")
async def case(request: Request):
    param = (await request.json())["value"]
    bar = f"{len(param)}"
    logger.info("value: " + bar)
    return {"done": True}
