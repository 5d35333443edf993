import random

from fastapi import FastAPI

app = FastAPI()


@app.post("/games/roll")
def roll_dice():
    return {"roll": random.randint(1, 6)}
