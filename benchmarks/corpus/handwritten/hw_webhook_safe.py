import httpx
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()
WEBHOOK_BASE = "https://hooks.example.com/"


class Webhook(BaseModel):
    callback_id: str
    event: str


@app.post("/webhooks/test")
async def test_webhook(hook: Webhook):
    async with httpx.AsyncClient(timeout=5) as client:
        response = await client.post(WEBHOOK_BASE + hook.callback_id, json={"event": hook.event})
    return {"status": response.status_code}
