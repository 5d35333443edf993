from fastapi.responses import JSONResponse
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.post("/case")
async def case(request: Request):
    param = (await request.json())["value"]
    switch = "b"
    if switch == "a":
        bar = "safe"
    else:
        bar = param
    resp = JSONResponse({"ok": True})
    resp.set_cookie(key="remember_me", value=bar, secure=True)
    return resp
