from flask import Flask, abort, jsonify, request

app = Flask(__name__)


@app.post("/api/jobs/<job_id>/poll")
def poll(job_id):
    rounds = request.get_json(force=True).get("rounds", 3)
    if rounds > 20:
        abort(400)
    done = 0
    while done < rounds:
        done += 1
    return jsonify(job=job_id, rounds=done)
