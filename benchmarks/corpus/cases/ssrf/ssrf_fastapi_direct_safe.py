import requests
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.get("/case")
async def case(request: Request, value: str = ""):
    param = value
    bar = param
    response = requests.get("https://api.example.com/items/" + bar, timeout=5)
    return {"done": True}
