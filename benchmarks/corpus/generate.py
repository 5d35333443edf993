"""Write secreview's own labelled corpus: small Flask/Django/FastAPI views, each with a safe twin.

Every case is one sink category x one framework x one way the data travels (directly, through a
folded condition, a dict key, a list element, a helper, a loop, an object attribute, a guard, a
comprehension, an f-string, a constant switch). Each vulnerable case has a safe twin that differs
by the one thing that makes it safe: a sanitiser or a safe API, the dead branch, the other dict
key, the other list element, a cast in the helper, an allow-list, what the loop appends, the other
attribute, a guard that returns, a filter in the comprehension, a length instead of the text, the
other switch value.
Sources rotate through each framework's request APIs so no two cases read input the same way.

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


@dataclass(frozen=True)
class Category:
    """One sink kind: how `bar` reaches it, and the one change that makes the direct case safe."""

    name: str
    cwe: int
    imports: str
    sink: dict[str, str]
    sanitised: str = ""
    """Expression over `param` that neutralises it for this sink (`{p}` is `param`)."""
    safe_sink: dict[str, str] | None = None
    """A safe API used instead of the sink in the direct case, when no sanitiser exists."""


def same(code: str) -> dict[str, str]:
    """The same sink code for every framework."""
    return {"flask": code, "django": code, "fastapi": code}


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
]

FRAMEWORK_HEADER = {
    "flask": "from flask import Flask, make_response, redirect, request, session\n\n"
    "app = Flask(__name__)",
    "django": "from django.http import HttpResponse, HttpResponseRedirect",
    "fastapi": "from fastapi import FastAPI, Request, Response\n"
    "from fastapi.responses import HTMLResponse, RedirectResponse\n\napp = FastAPI()",
}
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
    decorator_and_def, read = SOURCES[framework][index % len(SOURCES[framework])]
    sink = category.sink[framework]
    if safe and variant == "direct" and category.safe_sink:
        sink = category.safe_sink[framework]
    helper = ""
    if variant in HELPERS:
        helper = HELPERS[variant][1 if safe else 0] + "\n\n\n"
    lines = [category.imports, FRAMEWORK_HEADER[framework], ALLOWED]
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
