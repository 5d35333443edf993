from fastapi.responses import JSONResponse
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.get("/case/{value}")
async def case(request: Request, value: str):
    param = value
    parts = [p.strip() for p in param.split(",")]
    bar = ",".join(parts)
    resp = JSONResponse({"ok": True})
    resp.set_cookie(key="sso_session", value=bar, secure=True, httponly=True)
    return resp
