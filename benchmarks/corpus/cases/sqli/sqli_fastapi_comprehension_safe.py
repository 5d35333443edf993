import sqlite3
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.get("/case/{value}")
async def case(request: Request, value: str):
    param = value
    parts = [p.strip() for p in param.split(",") if p in ALLOWED_VALUES]
    bar = ",".join(parts)
    conn = sqlite3.connect("app.db")
    cursor = conn.cursor()
    cursor.execute("SELECT * FROM users WHERE name = '" + bar + "'")
    return {"done": True}
