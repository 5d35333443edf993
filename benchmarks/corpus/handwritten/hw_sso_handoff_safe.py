from fastapi import FastAPI, Response
from pydantic import BaseModel

app = FastAPI()


class Handoff(BaseModel):
    session_token: str


@app.post("/sso/handoff")
def handoff(body: Handoff, response: Response):
    response.set_cookie(key="session", value=body.session_token, secure=True, httponly=True, samesite="lax")
    return {"ok": True}
