from fastapi.responses import JSONResponse
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.get("/case/{value}")
async def case(request: Request, value: str):
    param = value
    num = 106
    bar = param if 7 * 18 + num > 200 else "safe"
    resp = JSONResponse({"ok": True})
    resp.set_cookie(key="sso_session", value=bar, secure=True)
    return resp
