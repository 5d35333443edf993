"""Write the r12b review-defect cases: leaks, crashes on input, unbounded reads, decompression
bombs, missing authorisation and unmasked secret options, each with a safe twin.

Each pair is the shape a reviewer meets in service code (API controllers, workers, CLI tools,
async handlers); the twin differs by the one change a reviewer would ask for. Run
`python benchmarks/corpus/review-defects/r12b/generate.py` to rewrite `cases/` and
`expected-r12b.csv`; the output is committed and this script is the record of how it was made.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

HERE = Path(__file__).parent

CATEGORIES = {
    "leak": 772,
    "crash": 248,
    "unbounded": 770,
    "bomb": 409,
    "authz": 862,
    "cfgsecret": 532,
}

# (category, name, vulnerable code, safe code)
PAIRS: list[tuple[str, str, str, str]] = []


def pair(category: str, name: str, vulnerable: str, safe: str) -> None:
    """Register one vulnerable case and its safe twin."""
    PAIRS.append((category, name, textwrap.dedent(vulnerable), textwrap.dedent(safe)))


# ---- resource leaks (CWE-772) -------------------------------------------------------------
LEAK_SHAPES = [
    (
        "export_json",
        "import json\n\n\ndef export_inventory(path, hosts):\n    out = open(path, 'w')\n"
        "    json.dump({'hosts': hosts}, out, indent=2)\n    out.close()\n",
        "import json\n\n\ndef export_inventory(path, hosts):\n    with open(path, 'w') as out:\n"
        "        json.dump({'hosts': hosts}, out, indent=2)\n",
    ),
    (
        "socket_probe",
        "import socket\n\n\ndef probe(host, port):\n    sock = socket.create_connection((host, port), timeout=2)\n"
        "    sock.sendall(b'HEALTH\\n')\n    status = sock.recv(32)\n    sock.close()\n    return status\n",
        "import socket\n\n\ndef probe(host, port):\n    sock = socket.create_connection((host, port), timeout=2)\n"
        "    try:\n        sock.sendall(b'HEALTH\\n')\n        return sock.recv(32)\n    finally:\n        sock.close()\n",
    ),
    (
        "sqlite_early_return",
        "import sqlite3\n\n\ndef quota_left(db_path, tenant):\n    conn = sqlite3.connect(db_path)\n"
        "    if not tenant:\n        return 0\n    row = conn.execute('SELECT left FROM quota WHERE tenant = ?', (tenant,)).fetchone()\n"
        "    conn.close()\n    return row[0] if row else 0\n",
        "import sqlite3\nfrom contextlib import closing\n\n\ndef quota_left(db_path, tenant):\n"
        "    if not tenant:\n        return 0\n    with closing(sqlite3.connect(db_path)) as conn:\n"
        "        row = conn.execute('SELECT left FROM quota WHERE tenant = ?', (tenant,)).fetchone()\n"
        "    return row[0] if row else 0\n",
    ),
    (
        "popen_pipe_worker",
        "import subprocess\n\n\nclass Converter:\n    def first_line(self, source):\n"
        "        proc = subprocess.Popen(['pdftotext', source, '-'], stdout=subprocess.PIPE)\n"
        "        return proc.stdout.readline()\n",
        "import subprocess\n\n\nclass Converter:\n    def first_line(self, source):\n"
        "        proc = subprocess.Popen(['pdftotext', source, '-'], stdout=subprocess.PIPE)\n"
        "        out, _ = proc.communicate(timeout=60)\n        return out.split(b'\\n', 1)[0]\n",
    ),
    (
        "requests_session_cli",
        "import requests\n\n\ndef sync_users(base_url, token):\n    session = requests.Session()\n"
        "    session.headers['Authorization'] = 'Bearer ' + token\n"
        "    users = session.get(base_url + '/users', timeout=10).json()\n    return len(users)\n",
        "import requests\n\n\ndef sync_users(base_url, token):\n    with requests.Session() as session:\n"
        "        session.headers['Authorization'] = 'Bearer ' + token\n"
        "        users = session.get(base_url + '/users', timeout=10).json()\n    return len(users)\n",
    ),
    (
        "urlopen_feed",
        "from urllib.request import urlopen\n\n\ndef fetch_feed(url):\n    response = urlopen(url, timeout=10)\n"
        "    payload = response.read()\n    return payload.decode('utf-8')\n",
        "from urllib.request import urlopen\n\n\ndef fetch_feed(url):\n    with urlopen(url, timeout=10) as response:\n"
        "        payload = response.read()\n    return payload.decode('utf-8')\n",
    ),
    (
        "mkdtemp_build",
        "import shutil\nimport subprocess\nimport tempfile\n\n\ndef build_image(context_files):\n"
        "    workdir = tempfile.mkdtemp(prefix='build-')\n    for path in context_files:\n"
        "        shutil.copy(path, workdir)\n"
        "    subprocess.run(['docker', 'build', workdir], check=True)\n",
        "import shutil\nimport subprocess\nimport tempfile\n\n\ndef build_image(context_files):\n"
        "    with tempfile.TemporaryDirectory(prefix='build-') as workdir:\n"
        "        for path in context_files:\n            shutil.copy(path, workdir)\n"
        "        subprocess.run(['docker', 'build', workdir], check=True)\n",
    ),
    (
        "namedtemp_upload",
        "import subprocess\nimport tempfile\n\n\ndef scan_attachment(data):\n"
        "    tmp = tempfile.NamedTemporaryFile(suffix='.bin', delete=False)\n    tmp.write(data)\n"
        "    tmp.close()\n    return subprocess.run(['clamscan', tmp.name], check=False).returncode\n",
        "import os\nimport subprocess\nimport tempfile\n\n\ndef scan_attachment(data):\n"
        "    tmp = tempfile.NamedTemporaryFile(suffix='.bin', delete=False)\n    try:\n"
        "        tmp.write(data)\n        tmp.close()\n"
        "        return subprocess.run(['clamscan', tmp.name], check=False).returncode\n"
        "    finally:\n        os.unlink(tmp.name)\n",
    ),
    (
        "async_client_session",
        "import aiohttp\n\n\nasync def notify(webhook, event):\n    session = aiohttp.ClientSession()\n"
        "    async with session.post(webhook, json=event) as response:\n        return response.status\n",
        "import aiohttp\n\n\nasync def notify(webhook, event):\n    async with aiohttp.ClientSession() as session:\n"
        "        async with session.post(webhook, json=event) as response:\n            return response.status\n",
    ),
    (
        "pidfile_raise",
        "import os\n\n\ndef write_pidfile(path):\n    handle = open(path, 'w')\n"
        "    if os.path.getsize(path) > 0:\n        raise RuntimeError('already running')\n"
        "    handle.write(str(os.getpid()))\n    handle.close()\n",
        "import os\n\n\ndef write_pidfile(path):\n    with open(path, 'w') as handle:\n"
        "        if os.path.getsize(path) > 0:\n            raise RuntimeError('already running')\n"
        "        handle.write(str(os.getpid()))\n",
    ),
]
for shape, vulnerable, safe in LEAK_SHAPES:
    pair("leak", shape, vulnerable, safe)

# ---- crashes on untrusted input (CWE-248) --------------------------------------------------
FLASK = "from flask import Flask, abort, request\n\napp = Flask(__name__)\n\n\n"
CRASH_SHAPES = [
    (
        "flask_json_key",
        FLASK + "@app.post('/api/v1/servers')\ndef create_server():\n"
        "    flavor = request.json['flavor']\n    return {'flavor': flavor}, 202\n",
        FLASK + "@app.post('/api/v1/servers')\ndef create_server():\n"
        "    flavor = (request.get_json(silent=True) or {}).get('flavor')\n"
        "    if flavor is None:\n        abort(400)\n    return {'flavor': flavor}, 202\n",
    ),
    (
        "flask_int_arg",
        FLASK + "@app.get('/api/v1/events')\ndef list_events():\n"
        "    limit = int(request.args.get('limit', 50))\n    return {'limit': limit}\n",
        FLASK + "@app.get('/api/v1/events')\ndef list_events():\n"
        "    limit = request.args.get('limit', 50, type=int)\n    return {'limit': limit}\n",
    ),
    (
        "flask_json_loads",
        FLASK + "import json\n\n\n@app.post('/hooks/github')\ndef github_hook():\n"
        "    event = json.loads(request.data)\n    return {'action': event.get('action')}\n",
        FLASK + "import json\n\n\n@app.post('/hooks/github')\ndef github_hook():\n"
        "    try:\n        event = json.loads(request.data)\n    except ValueError:\n"
        "        abort(400)\n    return {'action': event.get('action')}\n",
    ),
    (
        "django_post_key",
        "from django.http import JsonResponse\n\n\ndef change_email(request):\n"
        "    email = request.POST['email']\n    request.user.email = email\n"
        "    request.user.save()\n    return JsonResponse({'ok': True})\n",
        "from django.http import HttpResponseBadRequest, JsonResponse\n\n\ndef change_email(request):\n"
        "    email = request.POST.get('email')\n    if not email:\n"
        "        return HttpResponseBadRequest('email is required')\n    request.user.email = email\n"
        "    request.user.save()\n    return JsonResponse({'ok': True})\n",
    ),
    (
        "django_uuid",
        "import uuid\n\nfrom django.http import JsonResponse\n\n\ndef device_status(request):\n"
        "    device = uuid.UUID(request.GET.get('device'))\n    return JsonResponse({'device': str(device)})\n",
        "import uuid\n\nfrom django.http import HttpResponseBadRequest, JsonResponse\n\n\n"
        "def device_status(request):\n    try:\n        device = uuid.UUID(request.GET.get('device'))\n"
        "    except (TypeError, ValueError):\n        return HttpResponseBadRequest('bad device id')\n"
        "    return JsonResponse({'device': str(device)})\n",
    ),
    (
        "drf_data_key",
        "from rest_framework.decorators import api_view\nfrom rest_framework.response import Response\n\n\n"
        "@api_view(['POST'])\ndef transfer(request):\n    amount = request.data['amount']\n"
        "    return Response({'amount': amount})\n",
        "from rest_framework.decorators import api_view\nfrom rest_framework.response import Response\n\n\n"
        "@api_view(['POST'])\ndef transfer(request):\n    if 'amount' not in request.data:\n"
        "        return Response({'error': 'amount is required'}, status=400)\n"
        "    amount = request.data['amount']\n    return Response({'amount': amount})\n",
    ),
    (
        "starlette_body_key",
        "from starlette.responses import JSONResponse\n\n\nasync def rename(request):\n"
        "    body = await request.json()\n    name = body['name']\n    return JSONResponse({'name': name})\n",
        "from starlette.responses import JSONResponse\n\n\nasync def rename(request):\n"
        "    body = await request.json()\n    name = body.get('name')\n    if not name:\n"
        "        return JSONResponse({'error': 'name is required'}, status_code=400)\n"
        "    return JSONResponse({'name': name})\n",
    ),
    (
        "falcon_media_float",
        "import falcon\n\n\nclass PriceResource:\n    def on_post(self, req, resp):\n"
        "        price = float(req.media.get('price'))\n        resp.media = {'price': price}\n",
        "import falcon\n\n\nclass PriceResource:\n    def on_post(self, req, resp):\n"
        "        try:\n            price = float(req.media.get('price'))\n"
        "        except (TypeError, ValueError):\n            raise falcon.HTTPBadRequest(title='bad price')\n"
        "        resp.media = {'price': price}\n",
    ),
]
for shape, vulnerable, safe in CRASH_SHAPES:
    pair("crash", shape, vulnerable, safe)

# ---- unbounded reads (CWE-770) -------------------------------------------------------------
UNBOUNDED_SHAPES = [
    (
        "flask_upload_read",
        FLASK + "@app.post('/api/v1/firmware')\ndef upload_firmware():\n"
        "    image = request.files['image'].read()\n    return {'bytes': len(image)}\n",
        FLASK + "LIMIT = 64 * 1024 * 1024\n\n\n@app.post('/api/v1/firmware')\ndef upload_firmware():\n"
        "    image = request.files['image'].read(LIMIT + 1)\n    if len(image) > LIMIT:\n"
        "        abort(413)\n    return {'bytes': len(image)}\n",
    ),
    (
        "flask_stream_read",
        FLASK + "@app.put('/api/v1/blobs/<name>')\ndef put_blob(name):\n"
        "    payload = request.stream.read()\n    return {'name': name, 'bytes': len(payload)}\n",
        FLASK + "CHUNK = 1024 * 1024\n\n\n@app.put('/api/v1/blobs/<name>')\ndef put_blob(name):\n"
        "    payload = request.stream.read(CHUNK)\n    return {'name': name, 'bytes': len(payload)}\n",
    ),
    (
        "django_files_read",
        "from django.http import JsonResponse\n\n\ndef import_contacts(request):\n"
        "    upload = request.FILES['contacts']\n    rows = upload.read().decode().splitlines()\n"
        "    return JsonResponse({'rows': len(rows)})\n",
        "from django.http import JsonResponse\n\n\ndef import_contacts(request):\n"
        "    upload = request.FILES['contacts']\n    rows = 0\n    for chunk in upload.chunks():\n"
        "        rows += chunk.count(b'\\n')\n    return JsonResponse({'rows': rows})\n",
    ),
    (
        "fastapi_uploadfile",
        "from fastapi import FastAPI, UploadFile\n\napp = FastAPI()\n\n\n@app.post('/avatars')\n"
        "async def set_avatar(file: UploadFile):\n    content = await file.read()\n"
        "    return {'size': len(content)}\n",
        "from fastapi import FastAPI, HTTPException, UploadFile\n\napp = FastAPI()\nLIMIT = 2 * 1024 * 1024\n\n\n"
        "@app.post('/avatars')\nasync def set_avatar(file: UploadFile):\n"
        "    content = await file.read(LIMIT + 1)\n    if len(content) > LIMIT:\n"
        "        raise HTTPException(413)\n    return {'size': len(content)}\n",
    ),
    (
        "flask_proxy_content",
        FLASK + "import requests\n\n\n@app.get('/api/v1/thumbnail')\ndef thumbnail():\n"
        "    source = request.args.get('src', '')\n    response = requests.get(source, timeout=10)\n"
        "    return response.content\n",
        FLASK + "import requests\n\nAVATAR_HOST = 'https://avatars.example.com/default.png'\n\n\n"
        "@app.get('/api/v1/thumbnail')\ndef thumbnail():\n    response = requests.get(AVATAR_HOST, timeout=10)\n"
        "    return response.content\n",
    ),
]
for shape, vulnerable, safe in UNBOUNDED_SHAPES:
    pair("unbounded", shape, vulnerable, safe)

# ---- decompression bombs (CWE-409) --------------------------------------------------------
BOMB_SHAPES = [
    (
        "zlib_body",
        FLASK + "import zlib\n\n\n@app.post('/api/v1/metrics')\ndef push_metrics():\n"
        "    samples = zlib.decompress(request.get_data())\n    return {'bytes': len(samples)}\n",
        FLASK + "import zlib\n\nLIMIT = 16 * 1024 * 1024\n\n\n@app.post('/api/v1/metrics')\ndef push_metrics():\n"
        "    inflater = zlib.decompressobj()\n    samples = inflater.decompress(request.get_data(), LIMIT)\n"
        "    if inflater.unconsumed_tail:\n        abort(413)\n    return {'bytes': len(samples)}\n",
    ),
    (
        "gzip_upload",
        FLASK + "import gzip\n\n\n@app.post('/api/v1/logs')\ndef upload_logs():\n"
        "    blob = request.files['archive'].read(8 * 1024 * 1024)\n    text = gzip.decompress(blob)\n"
        "    return {'lines': text.count(b'\\n')}\n",
        FLASK + "import gzip\n\n\n@app.post('/api/v1/logs')\ndef upload_logs():\n"
        "    blob = request.files['archive'].read(8 * 1024 * 1024)\n    return {'bytes': len(blob)}\n",
    ),
    (
        "zip_members",
        FLASK + "import io\nimport zipfile\n\n\n@app.post('/api/v1/themes')\ndef upload_theme():\n"
        "    bundle = zipfile.ZipFile(io.BytesIO(request.get_data()))\n"
        "    files = {name: bundle.read(name) for name in bundle.namelist()}\n    return {'files': len(files)}\n",
        FLASK + "import io\nimport zipfile\n\nLIMIT = 32 * 1024 * 1024\n\n\n@app.post('/api/v1/themes')\n"
        "def upload_theme():\n    bundle = zipfile.ZipFile(io.BytesIO(request.get_data()))\n"
        "    if sum(info.file_size for info in bundle.infolist()) > LIMIT:\n        abort(413)\n"
        "    files = {name: bundle.read(name) for name in bundle.namelist()}\n    return {'files': len(files)}\n",
    ),
    (
        "django_bz2",
        "import bz2\n\nfrom django.http import JsonResponse\n\n\ndef restore_backup(request):\n"
        "    dump = bz2.decompress(request.body)\n    return JsonResponse({'bytes': len(dump)})\n",
        "import bz2\n\nfrom django.http import JsonResponse\n\n\ndef restore_backup(request):\n"
        "    return JsonResponse({'bytes': len(request.body)})\n",
    ),
    (
        "tar_extract",
        FLASK + "import tarfile\n\n\n@app.post('/api/v1/plugins')\ndef install_plugin():\n"
        "    upload = request.files['plugin']\n    with tarfile.open(fileobj=upload.stream) as bundle:\n"
        "        bundle.extractall('/srv/plugins', filter='data')\n    return {'ok': True}\n",
        FLASK + "import tarfile\n\nLIMIT = 64 * 1024 * 1024\n\n\n@app.post('/api/v1/plugins')\ndef install_plugin():\n"
        "    upload = request.files['plugin']\n    with tarfile.open(fileobj=upload.stream) as bundle:\n"
        "        if sum(member.size for member in bundle.getmembers()) > LIMIT:\n            abort(413)\n"
        "        bundle.extractall('/srv/plugins', filter='data')\n    return {'ok': True}\n",
    ),
]
for shape, vulnerable, safe in BOMB_SHAPES:
    pair("bomb", shape, vulnerable, safe)

# ---- missing authorisation (CWE-862) ------------------------------------------------------
CONTROLLER = (
    "class {cls}:\n    def __init__(self, api):\n        self.api = api\n\n"
    "    def create(self, req, body):\n        req.context.can('{res}:create')\n"
    "        return self.api.create(req.context, body)\n\n"
    "    def delete(self, req, id):\n        req.context.can('{res}:delete')\n"
    "        return self.api.delete(req.context, id)\n\n"
    "    def {method}(self, req, id, body):\n{check}        return self.api.{method}(req.context, id, body)\n"
)
for resource, cls, method in [
    ("volume", "VolumeController", "update"),
    ("share", "ShareController", "extend"),
    ("image", "ImageActionsController", "deactivate"),
]:
    missing = CONTROLLER.format(cls=cls, res=resource, method=method, check="")
    checked = CONTROLLER.format(
        cls=cls, res=resource, method=method, check=f"        req.context.can('{resource}:{method}')\n"
    )
    if method not in ("update",):
        missing = missing.replace(f"def {method}(", f"def update_{method}(")
        checked = checked.replace(f"def {method}(", f"def update_{method}(")
    pair("authz", f"{resource}_controller", missing, checked)

BLUEPRINT = (
    "from flask import Blueprint\nfrom flask_login import login_required\n\n"
    "bp = Blueprint('{name}', __name__)\n\n\n"
    "@bp.post('/{name}')\n@login_required\ndef create_{one}():\n    return 'created', 201\n\n\n"
    "@bp.delete('/{name}/<int:item_id>')\n@login_required\ndef delete_{one}(item_id):\n    return '', 204\n\n\n"
    "@bp.route('/{name}/<int:item_id>', methods=['PATCH'])\n{guard}def rename_{one}(item_id):\n    return 'renamed'\n"
)
for plural, one in [("projects", "project"), ("tokens", "token")]:
    pair(
        "authz",
        f"blueprint_{plural}",
        BLUEPRINT.format(name=plural, one=one, guard=""),
        BLUEPRINT.format(name=plural, one=one, guard="@login_required\n"),
    )

DJANGO_VIEWS = (
    "from django.contrib.auth.decorators import permission_required\nfrom django.http import HttpResponse\n"
    "from django.views.decorators.http import require_POST\n\n\n"
    "@require_POST\n@permission_required('billing.add_invoice')\ndef create_invoice(request):\n"
    "    return HttpResponse(status=201)\n\n\n"
    "@require_POST\n@permission_required('billing.delete_invoice')\ndef delete_invoice(request, pk):\n"
    "    return HttpResponse(status=204)\n\n\n"
    "@require_POST\n{guard}def refund_invoice(request, pk):\n    return HttpResponse(status=200)\n"
)
pair(
    "authz",
    "django_invoices",
    DJANGO_VIEWS.format(guard=""),
    DJANGO_VIEWS.format(guard="@permission_required('billing.change_invoice')\n"),
)
# ---- secret configuration options (CWE-532) -----------------------------------------------
OPTS = (
    "from oslo_config import cfg\n\n{name}_opts = [\n"
    "    cfg.StrOpt('{opt}', {secret}help='{help}'),\n"
    "    cfg.IntOpt('timeout', default=30, help='Seconds to wait.'),\n]\n\n\n"
    "def register_opts(conf):\n    conf.register_opts({name}_opts, group='{name}')\n"
)
for group, option, help_text in [
    ("keystone", "admin_password", "Password of the service user."),
    ("database", "connection", "SQLAlchemy URL of the database."),
    ("metadata", "metadata_proxy_shared_secret", "Secret shared with the metadata proxy."),
    ("notifier", "api_key", "Key of the notification service."),
    ("ipmi", "ipmi_password", "Password of the BMC."),
    ("registry", "auth_token", "Token for the image registry."),
]:
    pair(
        "cfgsecret",
        f"{group}_opts",
        OPTS.format(name=group, opt=option, secret="", help=help_text),
        OPTS.format(name=group, opt=option, secret="secret=True, ", help=help_text),
    )


def main() -> None:
    """Rewrite `cases/` and `expected-r12b.csv` from the pairs above."""
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
    (HERE / "expected-r12b.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
