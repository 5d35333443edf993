from fastapi.responses import JSONResponse
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.post("/case")
async def case(request: Request):
    param = (await request.body()).decode()
    bar = "alpha"
    if param:
        bar = param
    resp = JSONResponse({"ok": True})
    resp.set_cookie(key="sso_session", value=bar, secure=True, httponly=True)
    return resp
