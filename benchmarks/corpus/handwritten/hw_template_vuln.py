from flask import Flask, render_template_string, request

app = Flask(__name__)
PAGE = "<h1>Search</h1><p>Results for {}</p>"


@app.get("/search")
def search():
    query = request.args.get("q", "")
    return render_template_string(PAGE.format(query))
