import hashlib
import os

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
        salt = os.urandom(16)
        digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
        self.rows[email] = salt.hex() + ":" + digest.hex()


store = UserStore()


@app.post("/signup")
def signup(form: SignUp):
    store.add(form.email, form.password)
    return {"created": form.email}
