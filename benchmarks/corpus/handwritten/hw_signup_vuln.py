import hashlib

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class SignUp(BaseModel):
    email: str
    password: str


class UserStore:
    def __init__(self):
        self.rows = {}

    def add(self, email, password):
        self.rows[email] = hashlib.md5(password.encode()).hexdigest()


store = UserStore()


@app.post("/signup")
def signup(form: SignUp):
    store.add(form.email, form.password)
    return {"created": form.email}
