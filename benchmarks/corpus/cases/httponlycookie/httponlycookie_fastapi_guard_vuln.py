from fastapi.responses import JSONResponse
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.get("/case")
async def case(request: Request, value: str = ""):
    param = value
    if param == "":
        return {"done": True}
    bar = param
    resp = JSONResponse({"ok": True})
    resp.set_cookie(key="remember_token", value=bar, secure=True)
    return resp
