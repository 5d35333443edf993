"""Write the r12c review-defect cases: credentials in logged URLs, client-chosen loop counts and
allocation sizes, database connections left open, and exception text in OpenStack fault bodies.

Each pair is the shape a reviewer meets in service code (API clients, Flask and FastAPI handlers,
OpenStack controllers, storage helpers); the safe twin differs by the one change a reviewer would
ask for. Run `python benchmarks/corpus/review-defects/r12c/generate.py` to rewrite `cases/` and
`expected-r12c.csv`; the output is committed and this script is the record of how it was made.
Score: `secreview bench benchmarks/corpus/review-defects/r12c --expected
benchmarks/corpus/review-defects/r12c/expected-r12c.csv`.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

HERE = Path(__file__).parent

CATEGORIES = {
    "urlcred": 598,
    "loopbound": 606,
    "allocsize": 789,
    "dbleak": 772,
    "fault": 209,
}

# (category, name, vulnerable code, safe code)
PAIRS: list[tuple[str, str, str, str]] = []


def pair(category: str, name: str, vulnerable: str, safe: str) -> None:
    """Register one vulnerable case and its safe twin."""
    PAIRS.append((category, name, textwrap.dedent(vulnerable), textwrap.dedent(safe)))


# ---- credentials in URLs that reach logs (CWE-598) -----------------------------------------
pair(
    "urlcred",
    "fstring_api_key",
    """\
    import logging

    import requests

    LOG = logging.getLogger(__name__)


    class WeatherClient:
        def __init__(self, base, api_key):
            self.base = base
            self.api_key = api_key

        def forecast(self, city):
            url = f"{self.base}/forecast?city={city}&appid={self.api_key}&api_key={self.api_key}"
            LOG.debug("GET %s", url)
            return requests.get(url, timeout=10).json()
    """,
    """\
    import logging

    import requests

    LOG = logging.getLogger(__name__)


    class WeatherClient:
        def __init__(self, base, api_key):
            self.base = base
            self.api_key = api_key

        def forecast(self, city):
            url = f"{self.base}/forecast?city={city}"
            LOG.debug("GET %s", url)
            headers = {"X-Api-Key": self.api_key}
            return requests.get(url, headers=headers, timeout=10).json()
    """,
)
pair(
    "urlcred",
    "urlencode_token",
    """\
    import logging
    from urllib.parse import urlencode
    from urllib.request import urlopen

    log = logging.getLogger("sync")


    def pull_changes(server, since, token):
        query = urlencode({"since": since, "access_token": token})
        url = server + "/changes?" + query
        log.info("pulling %s", url)
        with urlopen(url, timeout=30) as response:
            return response.read()
    """,
    """\
    import logging
    from urllib.parse import urlencode
    from urllib.request import Request, urlopen

    log = logging.getLogger("sync")


    def pull_changes(server, since, token):
        url = server + "/changes?" + urlencode({"since": since})
        log.info("pulling %s", url)
        request = Request(url, headers={"Authorization": "Bearer " + token})
        with urlopen(request, timeout=30) as response:
            return response.read()
    """,
)
pair(
    "urlcred",
    "requests_params_password",
    """\
    import logging

    import requests

    logger = logging.getLogger(__name__)


    def fetch_report(base, user, password):
        params = {"user": user, "password": password, "format": "csv"}
        response = requests.get(base + "/report", params=params, timeout=20)
        if not response.ok:
            logger.warning("report request failed: %s -> %s", response.url, response.status_code)
        return response.text
    """,
    """\
    import logging

    import requests

    logger = logging.getLogger(__name__)


    def fetch_report(base, user, password):
        params = {"format": "csv"}
        response = requests.get(base + "/report", params=params, auth=(user, password), timeout=20)
        if not response.ok:
            logger.warning("report request failed: %s -> %s", response.url, response.status_code)
        return response.text
    """,
)

# ---- loop counts chosen by the client (CWE-606) --------------------------------------------
pair(
    "loopbound",
    "flask_sequence",
    """\
    from flask import Flask, jsonify, request

    app = Flask(__name__)


    @app.get("/api/sequence")
    def sequence():
        count = int(request.args.get("count", "10"))
        values = []
        for index in range(count):
            values.append(index * index)
        return jsonify(values)
    """,
    """\
    from flask import Flask, jsonify, request

    app = Flask(__name__)
    MAX_COUNT = 500


    @app.get("/api/sequence")
    def sequence():
        count = min(int(request.args.get("count", "10")), MAX_COUNT)
        values = []
        for index in range(count):
            values.append(index * index)
        return jsonify(values)
    """,
)
pair(
    "loopbound",
    "retry_while",
    """\
    from flask import Flask, abort, jsonify, request

    app = Flask(__name__)


    @app.post("/api/jobs/<job_id>/poll")
    def poll(job_id):
        rounds = request.get_json(force=True).get("rounds", 3)
        done = 0
        while done < rounds:
            done += 1
        return jsonify(job=job_id, rounds=done)
    """,
    """\
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
    """,
)
pair(
    "loopbound",
    "fastapi_query",
    """\
    from fastapi import FastAPI, Query

    app = FastAPI()


    @app.get("/fib")
    def fib(n: int = Query(10)):
        a, b = 0, 1
        for _ in range(n):
            a, b = b, a + b
        return {"value": a}
    """,
    """\
    from fastapi import FastAPI, Query

    app = FastAPI()


    @app.get("/fib")
    def fib(n: int = Query(10, le=1000)):
        a, b = 0, 1
        for _ in range(n):
            a, b = b, a + b
        return {"value": a}
    """,
)

# ---- allocations sized by the client (CWE-789) ---------------------------------------------
pair(
    "allocsize",
    "padding",
    """\
    from flask import Flask, request

    app = Flask(__name__)


    @app.get("/api/padding")
    def padding():
        size = int(request.args["size"])
        return {"padding": "0" * size}
    """,
    """\
    from flask import Flask, abort, request

    app = Flask(__name__)


    @app.get("/api/padding")
    def padding():
        size = int(request.args["size"])
        if size > 4096:
            abort(400)
        return {"padding": "0" * size}
    """,
)
pair(
    "allocsize",
    "buffer",
    """\
    from django.http import HttpResponse


    def blank_image(request):
        length = int(request.GET.get("length", "1024"))
        data = bytearray(length)
        return HttpResponse(bytes(data), content_type="application/octet-stream")
    """,
    """\
    from django.http import HttpResponse


    def blank_image(request):
        length = min(int(request.GET.get("length", "1024")), 65536)
        data = bytearray(length)
        return HttpResponse(bytes(data), content_type="application/octet-stream")
    """,
)

# ---- database connections and cursors left open (CWE-772) ----------------------------------
pair(
    "dbleak",
    "sqlite_with_block",
    """\
    import sqlite3


    def record_login(db_path, user_id, when):
        with sqlite3.connect(db_path) as conn:
            conn.execute("INSERT INTO logins (user_id, at) VALUES (?, ?)", (user_id, when))
    """,
    """\
    import sqlite3
    from contextlib import closing


    def record_login(db_path, user_id, when):
        with closing(sqlite3.connect(db_path)) as conn, conn:
            conn.execute("INSERT INTO logins (user_id, at) VALUES (?, ?)", (user_id, when))
    """,
)
pair(
    "dbleak",
    "psycopg2_with_block",
    """\
    import psycopg2


    def archive(dsn, order_id):
        with psycopg2.connect(dsn) as conn:
            with conn.cursor() as cur:
                cur.execute("UPDATE orders SET archived = true WHERE id = %s", (order_id,))
    """,
    """\
    import psycopg2


    def archive(dsn, order_id):
        with psycopg2.connect(dsn) as conn:
            with conn.cursor() as cur:
                cur.execute("UPDATE orders SET archived = true WHERE id = %s", (order_id,))
        conn.close()
    """,
)
pair(
    "dbleak",
    "shared_connection_cursor",
    """\
    import sqlite3


    class Inventory:
        def __init__(self, path):
            self.db = sqlite3.connect(path, check_same_thread=False)

        def stock(self, sku):
            cur = self.db.cursor()
            cur.execute("SELECT qty FROM stock WHERE sku = ?", (sku,))
            row = cur.fetchone()
            return row[0] if row else 0
    """,
    """\
    import sqlite3
    from contextlib import closing


    class Inventory:
        def __init__(self, path):
            self.db = sqlite3.connect(path, check_same_thread=False)

        def stock(self, sku):
            with closing(self.db.cursor()) as cur:
                cur.execute("SELECT qty FROM stock WHERE sku = ?", (sku,))
                row = cur.fetchone()
            return row[0] if row else 0
    """,
)

# ---- exception text in OpenStack-style fault bodies (CWE-209) ------------------------------
pair(
    "fault",
    "webob_explanation",
    """\
    import webob.exc
    from oslo_log import log as logging

    from manila.api.openstack import wsgi

    LOG = logging.getLogger(__name__)


    class ShareExportController(wsgi.Controller):
        def create(self, req, share_id, body):
            context = req.environ["manila.context"]
            try:
                return self.share_api.export(context, share_id, body["export"])
            except Exception as error:
                raise webob.exc.HTTPInternalServerError(explanation=str(error))
    """,
    """\
    import webob.exc
    from oslo_log import log as logging

    from manila.api.openstack import wsgi

    LOG = logging.getLogger(__name__)


    class ShareExportController(wsgi.Controller):
        def create(self, req, share_id, body):
            context = req.environ["manila.context"]
            try:
                return self.share_api.export(context, share_id, body["export"])
            except Exception:
                LOG.exception("Export of share %s failed.", share_id)
                raise webob.exc.HTTPInternalServerError(explanation="Export failed.")
    """,
)
pair(
    "fault",
    "fault_dict",
    """\
    from oslo_log import log as logging

    from cinder.api.openstack import wsgi

    LOG = logging.getLogger(__name__)


    class BackupRestoreController(wsgi.Controller):
        def restore(self, req, id, body):
            context = req.environ["cinder.context"]
            try:
                return self.backup_api.restore(context, id, body.get("volume_id"))
            except Exception as err:
                return {"computeFault": {"code": 500, "message": "%s" % err}}
    """,
    """\
    from oslo_log import log as logging

    from cinder.api.openstack import wsgi

    LOG = logging.getLogger(__name__)


    class BackupRestoreController(wsgi.Controller):
        def restore(self, req, id, body):
            context = req.environ["cinder.context"]
            try:
                return self.backup_api.restore(context, id, body.get("volume_id"))
            except Exception:
                LOG.exception("Restore of backup %s failed.", id)
                return {"computeFault": {"code": 500, "message": "Restore failed."}}
    """,
)


def main() -> None:
    """Rewrite `cases/` and `expected-r12c.csv` from the pairs above."""
    cases = HERE / "cases"
    if cases.exists():
        shutil.rmtree(cases)
    rows = ["# test name, category, real vulnerability, cwe"]
    for category, shape, vulnerable, safe in PAIRS:
        folder = cases / category
        folder.mkdir(parents=True, exist_ok=True)
        for truth, code in (("vuln", vulnerable), ("safe", safe)):
            name = f"rd_{category}_{shape}_{truth}"
            (folder / f"{name}.py").write_text(code, encoding="utf-8")
            rows.append(f"{name},{category},{str(truth == 'vuln').lower()},{CATEGORIES[category]}")
    (HERE / "expected-r12c.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
