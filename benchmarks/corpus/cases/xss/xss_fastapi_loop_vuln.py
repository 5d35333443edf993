from markupsafe import escape
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
    return HTMLResponse("<p>" + bar + "</p>")
