from fastapi import FastAPI, Query

app = FastAPI()


@app.get("/fib")
def fib(n: int = Query(10)):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return {"value": a}
