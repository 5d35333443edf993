import ldap
from ldap.filter import escape_filter_chars
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.get("/case/{value}")
async def case(request: Request, value: str):
    param = value
    parts = [p.strip() for p in param.split(",") if p in ALLOWED_VALUES]
    bar = ",".join(parts)
    conn = ldap.initialize("ldap://localhost")
    conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(uid=" + bar + ")")
    return {"done": True}
