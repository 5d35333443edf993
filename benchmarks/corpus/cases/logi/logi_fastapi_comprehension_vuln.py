import logging

logger = logging.getLogger(__name__)
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.get("/case")
async def case(request: Request):
    param = request.query_params["value"]
    parts = [p.strip() for p in param.split(",")]
    bar = ",".join(parts)
    logger.info("value: " + bar)
    return {"done": True}
