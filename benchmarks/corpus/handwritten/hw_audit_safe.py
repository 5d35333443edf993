import logging

from flask import Flask, request

app = Flask(__name__)
audit = logging.getLogger("audit")


class AuditTrail:
    def __init__(self, logger):
        self.logger = logger

    def record(self, actor, action):
        self.logger.warning("actor=%s action=%s", actor, action)


@app.post("/transfer")
def transfer():
    AuditTrail(audit).record(int(request.form["account"]), "transfer")
    return {"ok": True}
