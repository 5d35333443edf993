from fastapi import FastAPI
from ldap3 import Connection, Server
from ldap3.utils.conv import escape_filter_chars

app = FastAPI()


def find_people(connection, department):
    connection.search("ou=people,dc=example,dc=com", "(department=" + department + ")")
    return connection.entries


@app.get("/people")
def people(department: str):
    connection = Connection(Server("ldap://directory"), auto_bind=True)
    return {"count": len(find_people(connection, escape_filter_chars(department)))}
