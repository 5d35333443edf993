from fastapi.responses import JSONResponse
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.get("/case")
async def case(request: Request):
    param = request.cookies.get("value", "")
    bar = ""
    for piece in param.split(","):
        bar += piece
    resp = JSONResponse({"ok": True})
    resp.set_cookie(key="preferences", value=bar, secure=True, httponly=True)
    return resp
