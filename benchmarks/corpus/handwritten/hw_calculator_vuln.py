from flask import Flask, request

app = Flask(__name__)


class Calculator:
    def __init__(self, expression):
        self.expression = expression

    def result(self):
        return eval(self.expression, {"__builtins__": {}})


@app.get("/calc")
def calc():
    return {"value": Calculator(request.args["expr"]).result()}
