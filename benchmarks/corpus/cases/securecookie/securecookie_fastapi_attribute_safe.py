from fastapi.responses import JSONResponse
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


class Holder:
    def __init__(self, value):
        self.value = value
        self.label = "safe"


@app.get("/case/{value}")
async def case(request: Request):
    param = request.path_params["value"]
    bar = Holder(param).value
    resp = JSONResponse({"ok": True})
    resp.set_cookie(key="remember_me", value=bar, secure=True, httponly=True)
    return resp
