import ldap
from ldap.filter import escape_filter_chars
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

app = FastAPI()
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.get("/case")
async def case(request: Request):
    param = request.query_params["value"]
    bar = f"{param}"
    conn = ldap.initialize("ldap://localhost")
    conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(uid=" + bar + ")")
    return {"done": True}
