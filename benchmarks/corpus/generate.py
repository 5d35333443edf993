"""Write secreview's own labelled corpus: small Flask/Django/FastAPI views, each with a safe twin.

Every case is one sink category x one framework x one way the data travels (directly, through a
folded condition, a dict key, a list element, a helper, a loop, an object attribute, a guard, a
comprehension, an f-string, a constant switch). Each vulnerable case has a safe twin that differs
by the one thing that makes it safe: a sanitiser or a safe API, the dead branch, the other dict
key, the other list element, a cast in the helper, an allow-list, what the loop appends, the other
attribute, a guard that returns, a filter in the comprehension, a length instead of the text, the
other switch value.
Sources rotate through each framework's request APIs so no two cases read input the same way.

Four categories are about what a value *is* rather than who chose it, and their safe twins keep the
whole flow and change the one thing that decides: the cookie flag (`securecookie`,
`httponlycookie`: `secure=True` / `httponly=True`), the hash (`weakhash`: scrypt or PBKDF2 instead
of MD5/SHA-1 over a password field), or the generator (`weakrand`: `secrets` or
`random.SystemRandom()` instead of `random`, for a value handed out as a token). A cookie without
its flags is reported whatever its value, and an MD5 of anything by the pattern rules, so a twin
that only cut the flow would not be a safe case.

Run `python benchmarks/corpus/generate.py` to rewrite `cases/` and `expected.csv`; the output is
committed, and the script is the record of how it was made. `handwritten/` holds cases written by
hand in the shapes real applications take (helpers, classes, uploads, pydantic bodies); their
labels in `handwritten/handwritten.csv` are merged into `expected.csv`.
"""

from __future__ import annotations

import csv
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent


Code = str | list[str]
"""One piece of code, or several that the variants of a category take in turn."""
Source = tuple[str, str]
"""A view's decorator and signature, and the statement that sets `param`."""


@dataclass(frozen=True)
class Category:
    """One sink kind: how `bar` reaches it, and the one change that makes the direct case safe."""

    name: str
    cwe: int
    imports: str | dict[str, str]
    sink: dict[str, Code]
    sanitised: str = ""
    """Expression over `param` that neutralises it for this sink (`{p}` is `param`)."""
    safe_sink: dict[str, Code] | None = None
    """A safe API used instead of the sink in the direct case, when no sanitiser exists."""
    twin: str = "flow"
    """What the safe twins change: `flow` (each variant's own safe body), `sink` (every twin
    keeps the vulnerable flow and uses `safe_sink`) or `source` (every twin keeps the flow and
    reads `param` from `safe_sources`)."""
    sources: dict[str, list[Source]] | None = None
    """Where `param` comes from, when not the request's `value` (a password field, a PRNG)."""
    safe_sources: dict[str, list[Source]] | None = None
    constants: str | dict[str, str] = ""
    """Module-level definitions the sources or sinks use."""


def same(code: Code) -> dict[str, Code]:
    """The same sink code for every framework."""
    return {"flask": code, "django": code, "fastapi": code}


def per_framework(value: str | dict[str, str], framework: str) -> str:
    """A setting that is either shared or given per framework."""
    return value if isinstance(value, str) else value.get(framework, "")


def pick(code: Code, index: int) -> str:
    """The variant's turn of a rotating piece of code."""
    return code if isinstance(code, str) else code[index % len(code)]


def cookie_sink(name: str, flags: str, response: str) -> Code:
    """`set_cookie` calls that differ in the cookie's name and in the flags given."""
    names = [name, "sso_session", "preferences", "remember_me"]
    return [
        f'resp = {response}\nresp.set_cookie("{cookie}", bar, {flags})\nreturn resp'
        for cookie in names
    ]


def cookie_sink_keywords(name: str, flags: str, response: str) -> Code:
    """The same for Starlette, with keyword arguments as FastAPI's documentation writes them."""
    names = [name, "sso_session", "preferences", "remember_me"]
    return [
        f'resp = {response}\nresp.set_cookie(key="{cookie}", value=bar, {flags})\nreturn resp'
        for cookie in names
    ]


PASSWORD_SOURCES: dict[str, list[Source]] = {
    "flask": [
        ('@app.route("/case", methods=["POST"])\ndef case():', 'param = request.form["password"]'),
        (
            '@app.route("/case", methods=["POST"])\ndef case():',
            'param = request.get_json()["new_password"]',
        ),
        (
            '@app.route("/case", methods=["POST"])\ndef case():',
            'param = request.form.get("passwd", "")',
        ),
        ('@app.route("/case", methods=["POST"])\ndef case():', 'param = request.values["pwd"]'),
        ('@app.route("/case")\ndef case():', "param = request.authorization.password"),
        (
            '@app.route("/case", methods=["POST"])\ndef case():',
            'param = request.json.get("currentPassword", "")',
        ),
        ('@app.route("/case", methods=["POST"])\ndef case():', 'param = request.form["pin"]'),
        (
            '@app.route("/case", methods=["POST"])\ndef case():',
            'param = request.form["user_password"]',
        ),
    ],
    "django": [
        ("def case(request):", 'param = request.POST["password"]'),
        ("def case(request):", 'param = json.loads(request.body)["new_password"]'),
        ("def case(request):", 'param = request.POST.get("passwd", "")'),
        ("def case(request):", 'param = request.POST.get("password1", "")'),
        ("def case(request):", 'param = request.POST["pin"]'),
        ("def case(request):", 'param = json.loads(request.body).get("currentPassword", "")'),
        ("def case(request):", 'param = request.POST["pwd"]'),
        ("def case(request):", 'param = request.POST.getlist("password")[0]'),
    ],
    "fastapi": [
        ('@app.post("/case")\nasync def case(password: str = Form(...)):', "param = password"),
        (
            '@app.post("/case")\nasync def case(request: Request):',
            'param = (await request.json())["password"]',
        ),
        (
            '@app.post("/case")\nasync def case(request: Request):',
            'param = (await request.form())["new_password"]',
        ),
        ('@app.post("/case")\nasync def case(body: Credentials):', "param = body.password"),
        (
            '@app.post("/case")\nasync def case(request: Request):',
            'param = (await request.json()).get("passwd", "")',
        ),
        ('@app.post("/case")\nasync def case(pin: str = Form(...)):', "param = pin"),
        (
            '@app.post("/case")\n'
            "async def case(form_data: OAuth2PasswordRequestForm = Depends()):",
            "param = form_data.password",
        ),
        (
            '@app.post("/case")\nasync def case(request: Request):',
            'param = request.headers.get("x-password", "")',
        ),
    ],
}
WEAK_HASHES = [
    "digest = hashlib.md5(bar.encode()).hexdigest()",
    "digest = hashlib.sha1(bar.encode()).hexdigest()",
    'digest = hashlib.new("md5", bar.encode()).hexdigest()',
    "hasher = hashlib.sha1()\nhasher.update(bar.encode())\ndigest = hasher.hexdigest()",
]
PASSWORD_HASHES = [
    "digest = hashlib.scrypt(bar.encode(), salt=os.urandom(16), n=2**14, r=8, p=1).hex()",
    'digest = hashlib.pbkdf2_hmac("sha256", bar.encode(), os.urandom(16), 600_000).hex()',
    "digest = hashlib.scrypt(bar.encode(), salt=os.urandom(16), n=2**15, r=8, p=1).hex()",
    'digest = hashlib.pbkdf2_hmac("sha512", bar.encode(), os.urandom(16), 210_000).hex()',
]


def generator_sources(reads: list[str]) -> dict[str, list[Source]]:
    """Views of each framework that set `param` with each of `reads` in turn."""
    heads = {
        "flask": '@app.route("/case", methods=["POST"])\ndef case():',
        "django": "def case(request):",
        "fastapi": '@app.post("/case")\nasync def case(request: Request):',
    }
    return {framework: [(head, read) for read in reads] for framework, head in heads.items()}


WEAK_RANDOM = [
    'param = "".join(random.choice(ALPHABET) for _ in range(32))',
    "param = str(random.randint(100000, 999999))",
    'param = "%032x" % random.getrandbits(128)',
    'param = "".join(random.choices(ALPHABET, k=32))',
    "param = str(random.random())[2:]",
    "param = hex(random.randrange(2**64))",
    'param = "".join(random.sample(ALPHABET, 20))',
    'param = "".join(random.Random().choice(ALPHABET) for _ in range(24))',
]
STRONG_RANDOM = [
    'param = "".join(secrets.choice(ALPHABET) for _ in range(32))',
    "param = str(secrets.randbelow(900000) + 100000)",
    "param = secrets.token_hex(16)",
    "param = secrets.token_urlsafe(32)",
    "param = str(random.SystemRandom().random())[2:]",
    "param = hex(secrets.randbits(64))",
    'param = "".join(random.SystemRandom().sample(ALPHABET, 20))',
    'param = "".join(random.SystemRandom().choice(ALPHABET) for _ in range(24))',
]


SOURCES = {
    "flask": [
        ('@app.route("/case")\ndef case():', 'param = request.args.get("value", "")'),
        ('@app.route("/case", methods=["POST"])\ndef case():', 'param = request.form["value"]'),
        ('@app.route("/case")\ndef case():', 'param = request.cookies.get("value", "")'),
        ('@app.route("/case")\ndef case():', 'param = request.headers.get("X-Value", "")'),
        ('@app.route("/case/<value>")\ndef case(value):', "param = value"),
        (
            '@app.route("/case", methods=["POST"])\ndef case():',
            'param = request.get_json()["value"]',
        ),
        ('@app.route("/case")\ndef case():', 'param = request.values.get("value", "")'),
        (
            '@app.route("/case", methods=["POST"])\ndef case():',
            "param = request.get_data(as_text=True)",
        ),
    ],
    "django": [
        ("def case(request):", 'param = request.GET.get("value", "")'),
        ("def case(request):", 'param = request.POST["value"]'),
        ("def case(request):", 'param = request.COOKIES.get("value", "")'),
        ("def case(request):", 'param = request.META.get("HTTP_X_VALUE", "")'),
        ("def case(request, value):", "param = value"),
        ("def case(request):", 'param = request.body.decode("utf-8")'),
        ("def case(request):", 'param = request.headers.get("X-Value", "")'),
        ("def case(request):", 'param = request.GET.getlist("value")[0]'),
    ],
    "fastapi": [
        ('@app.get("/case")\nasync def case(request: Request, value: str = ""):', "param = value"),
        (
            '@app.get("/case/{value}")\nasync def case(request: Request, value: str):',
            "param = value",
        ),
        (
            '@app.get("/case")\nasync def case(request: Request):',
            'param = request.query_params["value"]',
        ),
        (
            '@app.post("/case")\nasync def case(request: Request):',
            'param = (await request.json())["value"]',
        ),
        (
            '@app.get("/case")\nasync def case(request: Request):',
            'param = request.headers.get("x-value", "")',
        ),
        (
            '@app.post("/case")\nasync def case(request: Request):',
            "param = (await request.body()).decode()",
        ),
        (
            '@app.get("/case")\nasync def case(request: Request):',
            'param = request.cookies.get("value", "")',
        ),
        (
            '@app.get("/case/{value}")\nasync def case(request: Request):',
            'param = request.path_params["value"]',
        ),
    ],
}


def _reads_a_header(read: str) -> bool:
    """Whether a source statement reads a request header (`headers`, a `META["HTTP_*"]` key)."""
    return "headers" in read or "HTTP_" in read


LINE_BREAK_SOURCES = {
    framework: [source for source in sources if not _reads_a_header(source[1])]
    for framework, sources in SOURCES.items()
}
"""The request data that can hold a line break, for log injection: a header value cannot, since
the server splits the request head on line ends (the query string, the form, the body, a cookie
value the framework unquotes and the decoded path can)."""
CATEGORIES = [
    Category(
        "pathtraver",
        22,
        "import os\nfrom werkzeug.utils import secure_filename",
        same('with open(os.path.join("/srv/data", bar)) as handle:\n    data = handle.read()'),
        sanitised="secure_filename({p})",
    ),
    Category(
        "cmdi",
        78,
        "import shlex\nimport subprocess",
        same('subprocess.run("echo " + bar, shell=True)'),
        sanitised="shlex.quote({p})",
    ),
    Category(
        "codeinj",
        94,
        "",
        same("result = eval(bar)"),
        sanitised="str(int({p}))",
    ),
    Category(
        "deserial",
        502,
        "import base64\nimport json\nimport pickle",
        same("obj = pickle.loads(base64.b64decode(bar))"),
        safe_sink=same("obj = json.loads(base64.b64decode(bar))"),
    ),
    Category(
        "sqli",
        89,
        "import sqlite3",
        same(
            'conn = sqlite3.connect("app.db")\ncursor = conn.cursor()\n'
            'cursor.execute("SELECT * FROM users WHERE name = \'" + bar + "\'")'
        ),
        safe_sink=same(
            'conn = sqlite3.connect("app.db")\ncursor = conn.cursor()\n'
            'cursor.execute("SELECT * FROM users WHERE name = ?", (bar,))'
        ),
    ),
    Category(
        "ldapi",
        90,
        "import ldap\nfrom ldap.filter import escape_filter_chars",
        same(
            'conn = ldap.initialize("ldap://localhost")\n'
            'conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(uid=" + bar + ")")'
        ),
        sanitised="escape_filter_chars({p})",
    ),
    Category(
        "xpathi",
        643,
        "from lxml import etree",
        same(
            'root = etree.parse("users.xml")\nnodes = root.xpath("//user[@name=\'" + bar + "\']")'
        ),
        safe_sink=same(
            'root = etree.parse("users.xml")\nnodes = root.xpath("//user[@name=$name]", name=bar)'
        ),
    ),
    Category(
        "xss",
        79,
        "from markupsafe import escape",
        {
            "flask": 'return "<p>" + bar + "</p>"',
            "django": 'return HttpResponse("<p>" + bar + "</p>")',
            "fastapi": 'return HTMLResponse("<p>" + bar + "</p>")',
        },
        sanitised="str(escape({p}))",
    ),
    Category(
        "redirect",
        601,
        "",
        {
            "flask": "return redirect(bar)",
            "django": "return HttpResponseRedirect(bar)",
            "fastapi": "return RedirectResponse(bar)",
        },
        sanitised='"/app/" + {p}',
    ),
    Category(
        "xxe",
        611,
        "from lxml import etree",
        same("doc = etree.fromstring(bar.encode())"),
        safe_sink=same(
            "parser = etree.XMLParser(resolve_entities=False, no_network=True)\n"
            "doc = etree.fromstring(bar.encode(), parser)"
        ),
    ),
    Category(
        "ssrf",
        918,
        "import requests",
        same("response = requests.get(bar, timeout=5)"),
        safe_sink=same(
            'response = requests.get("https://api.example.com/items/" + bar, timeout=5)'
        ),
    ),
    Category(
        "trustbound",
        501,
        "",
        {
            "flask": 'session["user"] = bar',
            "django": 'request.session["user"] = bar',
            "fastapi": 'request.session["user"] = bar',
        },
        sanitised='{p} if {p} in ALLOWED_VALUES else "guest"',
    ),
    Category(
        "logi",
        117,
        "import logging\n\nlogger = logging.getLogger(__name__)",
        same('logger.info("value: " + bar)'),
        sanitised='{p}.replace("\\n", "_").replace("\\r", "_")',
        sources=LINE_BREAK_SOURCES,
    ),
    Category(
        "headeri",
        113,
        "",
        {
            "flask": 'resp = make_response("ok")\nresp.headers["X-Value"] = bar\nreturn resp',
            "django": 'resp = HttpResponse("ok")\nresp["X-Value"] = bar\nreturn resp',
            "fastapi": 'resp = Response("ok")\nresp.headers["X-Value"] = bar\nreturn resp',
        },
        sanitised='{p}.replace("\\r", "").replace("\\n", "")',
    ),
    Category(
        "redos",
        1333,
        "import re",
        same('match = re.search(bar, "some text to search")'),
        sanitised="re.escape({p})",
    ),
    Category(
        "securecookie",
        614,
        {"fastapi": "from fastapi.responses import JSONResponse"},
        {
            "flask": cookie_sink("remember_token", "httponly=True", 'make_response("ok")'),
            "django": cookie_sink("remember_token", "httponly=True", 'HttpResponse("ok")'),
            "fastapi": cookie_sink_keywords(
                "remember_token", "httponly=True", 'JSONResponse({"ok": True})'
            ),
        },
        safe_sink={
            "flask": cookie_sink(
                "remember_token", "secure=True, httponly=True", 'make_response("ok")'
            ),
            "django": cookie_sink(
                "remember_token", "secure=True, httponly=True", 'HttpResponse("ok")'
            ),
            "fastapi": cookie_sink_keywords(
                "remember_token", "secure=True, httponly=True", 'JSONResponse({"ok": True})'
            ),
        },
        twin="sink",
    ),
    Category(
        "httponlycookie",
        1004,
        {"fastapi": "from fastapi.responses import JSONResponse"},
        {
            "flask": cookie_sink("remember_token", "secure=True", 'make_response("ok")'),
            "django": cookie_sink("remember_token", "secure=True", 'HttpResponse("ok")'),
            "fastapi": cookie_sink_keywords(
                "remember_token", "secure=True", 'JSONResponse({"ok": True})'
            ),
        },
        safe_sink={
            "flask": cookie_sink(
                "remember_token", "secure=True, httponly=True", 'make_response("ok")'
            ),
            "django": cookie_sink(
                "remember_token", "secure=True, httponly=True", 'HttpResponse("ok")'
            ),
            "fastapi": cookie_sink_keywords(
                "remember_token", "secure=True, httponly=True", 'JSONResponse({"ok": True})'
            ),
        },
        twin="sink",
    ),
    Category(
        "weakhash",
        328,
        {
            "flask": "import hashlib\nimport os",
            "django": "import hashlib\nimport json\nimport os",
            "fastapi": "import hashlib\nimport os\n\nfrom fastapi import Depends, Form\n"
            "from fastapi.security import OAuth2PasswordRequestForm\nfrom pydantic import BaseModel",
        },
        same(WEAK_HASHES),
        safe_sink=same(PASSWORD_HASHES),
        twin="sink",
        sources=PASSWORD_SOURCES,
        constants={
            "fastapi": "class Credentials(BaseModel):\n    username: str\n    password: str",
        },
    ),
    Category(
        "weakrand",
        330,
        {
            "flask": "import random\nimport secrets\nimport string\n\nfrom flask import jsonify",
            "django": "import random\nimport secrets\nimport string\n\n"
            "from django.http import JsonResponse\nfrom django.shortcuts import render",
            "fastapi": "import random\nimport secrets\nimport string\n\n"
            "from fastapi.responses import JSONResponse",
        },
        {
            "flask": [
                'resp = make_response("ok")\n'
                'resp.set_cookie("session_token", bar, secure=True, httponly=True)\nreturn resp',
                'session["csrf_token"] = bar',
                "return jsonify(reset_token=bar)",
                'resp = make_response("ok")\nresp.headers["X-Auth-Token"] = bar\nreturn resp',
            ],
            "django": [
                'resp = HttpResponse("ok")\n'
                'resp.set_cookie("sessionid", bar, secure=True, httponly=True)\nreturn resp',
                'request.session["csrf_token"] = bar',
                'return JsonResponse({"api_key": bar})',
                'return render(request, "reset.html", {"reset_token": bar})',
            ],
            "fastapi": [
                'resp = JSONResponse({"ok": True})\n'
                'resp.set_cookie(key="session_token", value=bar, secure=True, httponly=True)\n'
                "return resp",
                'return {"access_token": bar}',
                'request.session["csrf_token"] = bar',
                'resp = Response("ok")\nresp.headers["X-CSRF-Token"] = bar\nreturn resp',
            ],
        },
        twin="source",
        sources=generator_sources(WEAK_RANDOM),
        safe_sources=generator_sources(STRONG_RANDOM),
        constants="ALPHABET = string.ascii_letters + string.digits",
    ),
]

FRAMEWORK_HEADER = {
    "flask": "from flask import Flask, make_response, redirect, request, session\n\n"
    "app = Flask(__name__)",
    "django": "from django.http import HttpResponse, HttpResponseRedirect",
    "fastapi": "from fastapi import FastAPI, Request, Response\n"
    "from fastapi.responses import HTMLResponse, RedirectResponse\n\napp = FastAPI()",
}
ENDING = {
    "flask": 'return "done"',
    "django": 'return HttpResponse("done")',
    "fastapi": 'return {"done": True}',
}
HOLDER = (
    "class Holder:\n    def __init__(self, value):\n        self.value = value\n"
    '        self.label = "safe"'
)
HELPERS = {
    "helper": (
        "def transform(value):\n    return value.strip()",
        "def transform(value):\n    return str(int(value))",
    ),
    # The same class in both twins: they differ in which attribute the view reads.
    "attribute": (HOLDER, HOLDER),
}
ALLOWED = 'ALLOWED_VALUES = ("alpha", "beta", "gamma")'


def flows(category: Category, framework: str) -> list[tuple[str, str, str]]:
    """(variant name, vulnerable body, safe body) building `bar` from `param`."""
    direct_safe = "bar = param"
    if category.sanitised:
        direct_safe = "bar = " + category.sanitised.format(p="param")
    return [
        ("direct", "bar = param", direct_safe),
        (
            "folded",
            'num = 106\nbar = param if 7 * 18 + num > 200 else "safe"',
            'num = 106\nbar = "safe" if 7 * 18 + num > 200 else param',
        ),
        (
            "dictkey",
            'values = {"keyA": "safe", "keyB": param}\nbar = values["keyB"]',
            'values = {"keyA": "safe", "keyB": param}\nbar = values["keyA"]',
        ),
        (
            "listpop",
            'items = ["safe", param, "other"]\nitems.pop(0)\nbar = items[0]',
            'items = ["safe", param, "other"]\nitems.pop(0)\nbar = items[1]',
        ),
        ("helper", "bar = transform(param)", "bar = transform(param)"),
        (
            "allowlist",
            'bar = "alpha"\nif param:\n    bar = param',
            'bar = "alpha"\nif param in ALLOWED_VALUES:\n    bar = param',
        ),
        (
            "loop",
            'bar = ""\nfor piece in param.split(","):\n    bar += piece',
            'bar = ""\nfor piece in param.split(","):\n    bar += "x" * len(piece)',
        ),
        ("attribute", "bar = Holder(param).value", "bar = Holder(param).label"),
        (
            "guard",
            f'if param == "":\n    {ENDING[framework]}\nbar = param',
            f"if param not in ALLOWED_VALUES:\n    {ENDING[framework]}\nbar = param",
        ),
        (
            "comprehension",
            'parts = [p.strip() for p in param.split(",")]\nbar = ",".join(parts)',
            (
                'parts = [p.strip() for p in param.split(",") if p in ALLOWED_VALUES]\n'
                'bar = ",".join(parts)'
            ),
        ),
        ("fstring", 'bar = f"{param}"', 'bar = f"{len(param)}"'),
        (
            "switch",
            'switch = "b"\nif switch == "a":\n    bar = "safe"\nelse:\n    bar = param',
            'switch = "a"\nif switch == "a":\n    bar = "safe"\nelse:\n    bar = param',
        ),
    ]


def render(
    category: Category, framework: str, index: int, variant: str, body: str, safe: bool
) -> str:
    """The source of one case."""
    sources = (category.safe_sources if safe else None) or category.sources or SOURCES
    decorator_and_def, read = sources[framework][index % len(sources[framework])]
    sink = pick(category.sink[framework], index)
    if safe and category.safe_sink and (variant == "direct" or category.twin == "sink"):
        sink = pick(category.safe_sink[framework], index)
    helper = ""
    if variant in HELPERS:
        helper = HELPERS[variant][1 if safe and category.twin == "flow" else 0] + "\n\n\n"
    lines = [
        per_framework(category.imports, framework),
        FRAMEWORK_HEADER[framework],
        per_framework(category.constants, framework),
        ALLOWED,
    ]
    if lines[2]:
        lines[2] = f"\n{lines[2]}\n"
    header = "\n".join(part for part in lines if part)
    statements = f"{read}\n{body}\n{sink}"
    if not sink.lstrip().startswith("return") and "\nreturn" not in sink:
        statements += "\n" + ENDING[framework]
    function = decorator_and_def + "\n" + textwrap.indent(statements, "    ")
    return f"{header}\n\n\n{helper}{function}\n"


def main() -> None:
    """Rewrite the corpus cases and expected.csv."""
    cases = HERE / "cases"
    if cases.exists():
        shutil.rmtree(cases)
    rows: list[tuple[str, str, str, int]] = []
    for category in CATEGORIES:
        for framework in ("flask", "django", "fastapi"):
            for index, (variant, vulnerable, safe) in enumerate(flows(category, framework)):
                if category.twin != "flow":
                    safe = vulnerable  # the twin changes the sink or the source, not the flow
                for is_safe, body in ((False, vulnerable), (True, safe)):
                    name = f"{category.name}_{framework}_{variant}_{'safe' if is_safe else 'vuln'}"
                    path = cases / category.name / f"{name}.py"
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(
                        render(category, framework, index, variant, body, is_safe), encoding="utf-8"
                    )
                    rows.append((name, category.name, "false" if is_safe else "true", category.cwe))
    generated = len(rows)
    with (HERE / "handwritten" / "handwritten.csv").open(encoding="utf-8", newline="") as handle:
        rows.extend(
            (row[0], row[1], row[2], int(row[3]))
            for row in csv.reader(handle)
            if row and not row[0].startswith("#")
        )
    with (HERE / "expected.csv").open("w", newline="", encoding="utf-8") as handle:
        handle.write("# test name, category, real vulnerability, cwe\n")
        csv.writer(handle, lineterminator="\n").writerows(rows)
    print(f"wrote {generated} generated cases; expected.csv lists {len(rows)} with handwritten/")


if __name__ == "__main__":
    main()
