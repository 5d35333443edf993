from flask import Flask, request, session

app = Flask(__name__)
THEMES = ("light", "dark")


@app.post("/preferences")
def preferences():
    theme = request.form.get("theme", "light")
    session["theme"] = theme if theme in THEMES else "light"
    return {"saved": True}
