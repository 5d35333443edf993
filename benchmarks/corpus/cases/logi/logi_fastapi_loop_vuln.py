import logging

logger = logging.getLogger(__name__)
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.get("/case/{value}")
async def case(request: Request):
    param = request.path_params["value"]
    bar = ""
    for piece in param.split(","):
        bar += piece
    logger.info("value: " + bar)
    return {"done": True}
