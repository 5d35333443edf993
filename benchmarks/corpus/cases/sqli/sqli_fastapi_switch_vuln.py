import sqlite3
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
    conn = sqlite3.connect("app.db")
    cursor = conn.cursor()
    cursor.execute("SELECT * FROM users WHERE name = '" + bar + "'")
    return {"done": True}
