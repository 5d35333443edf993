import json
import os
from pathlib import Path


def store_token(token):
    cache = Path.home() / ".config" / "acme" / "token.json"
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({"access_token": token}))
    cache.chmod(0o600)
