import random

from fastapi import FastAPI

app = FastAPI()


@app.post("/devices/pair")
def pair_device():
    return {"verification_code": random.randint(100000, 999999)}
