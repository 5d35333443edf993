import yaml
from flask import Flask, request

app = Flask(__name__)


def parse_settings(raw):
    return yaml.load(raw, Loader=yaml.UnsafeLoader)


@app.post("/settings/import")
def import_settings():
    settings = parse_settings(request.get_data())
    return {"keys": sorted(settings)}
