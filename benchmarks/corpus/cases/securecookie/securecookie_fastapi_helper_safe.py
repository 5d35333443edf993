from fastapi.responses import JSONResponse
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def transform(value):
    return value.strip()


@app.get("/case")
async def case(request: Request):
    param = request.headers.get("x-value", "")
    bar = transform(param)
    resp = JSONResponse({"ok": True})
    resp.set_cookie(key="remember_token", value=bar, secure=True, httponly=True)
    return resp
