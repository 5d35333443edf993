from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.post("/case")
async def case(request: Request):
    param = (await request.body()).decode()
    bar = "alpha"
    if param in ALLOWED_VALUES:
        bar = param
    return RedirectResponse(bar)
