"""The cases of the review-defects corpus: (name, category, cwe, code with slots, swaps).

Written in the shapes these defects take in service code (controllers, WSGI apps, agents),
command-line tools, threaded workers and async handlers. See generate.py for the slot format.
"""

TOCTOU = [
    ("pidfile_create", "toctou", 367, '''
        import os
        import sys


        def write_pidfile(path):
            if os.path.exists(path):
                sys.exit("already running")
            «0»
                handle.write(str(os.getpid()))
        ''', (('with open(path, "w") as handle:', 'with open(path, "x") as handle:'),)),
    ("upload_save", "toctou", 367, '''
        import os

        from flask import Flask, abort, request

        app = Flask(__name__)
        UPLOADS = "/srv/uploads"


        @app.post("/files/<name>")
        def save(name):
            destination = os.path.join(UPLOADS, os.path.basename(name))
            if os.path.exists(destination):
                abort(409)
            «0»
                out.write(request.get_data())
            return "", 201
        ''', (('with open(destination, "wb") as out:', 'with open(destination, "xb") as out:'),)),
    ("setuid_access", "toctou", 367, '''
        import os


        def read_report(path):
            """Run by a set-user-id helper on behalf of the invoking user."""
            «0»
                raise PermissionError(path)
            with open(path) as report:
                return report.read()
        ''', (("if not os.access(path, os.R_OK):", "if not isinstance(path, str):"),)),
    ("symlink_chmod", "toctou", 367, '''
        import os


        def secure_socket_file(path):
            «0»
        ''', (
        ("if not os.path.islink(path):\n    os.chmod(path, 0o600)",
         "fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)\nos.fchmod(fd, 0o600)\n"
         "os.close(fd)"),
    )),
    ("cache_dir", "toctou", 367, '''
        import os


        class ImageCache:
            def __init__(self, root):
                self.root = root

            def ensure(self, bucket):
                directory = os.path.join(self.root, bucket)
                if not os.path.isdir(directory):
                    «0»
                return directory
        ''', (("os.makedirs(directory)", "os.makedirs(directory, exist_ok=True)"),)),
    ("stale_socket", "toctou", 367, '''
        import os
        import socket


        def bind_control_socket(path):
            if os.path.exists(path):
                «0»
            server = socket.socket(socket.AF_UNIX)
            server.bind(path)
            return server
        ''', (
        ("os.remove(path)",
         "try:\n    os.remove(path)\nexcept FileNotFoundError:\n"
         "    pass"),
    )),
    ("pathlib_config", "toctou", 367, '''
        from pathlib import Path

        DEFAULTS = "[service]\\nworkers = 4\\n"


        def init_config(directory: Path) -> Path:
            target = directory / "service.ini"
            if not target.exists():
                «0»
            return target
        ''', (
        ("target.write_text(DEFAULTS)",
         'with open(target, "x") as out:\n    out.write(DEFAULTS)'),
    )),
    ("backup_copy", "toctou", 367, '''
        import os
        import shutil


        def backup(database, backup_path):
            if not os.path.exists(backup_path):
                «0»
        ''', (
        ("shutil.copy2(database, backup_path)",
         'with open(database, "rb") as source, open(backup_path, "xb") as target:\n'
         "    shutil.copyfileobj(source, target)"),
    )),
]

PERMISSION_RACE = [
    ("ssh_key", "permrace", 362, '''
        import os

        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ed25519


        def generate_key(path):
            key = ed25519.Ed25519PrivateKey.generate()
            pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.OpenSSH,
                serialization.NoEncryption(),
            )
            «0»
                out.write(pem)
            os.chmod(path, 0o600)
        ''', (
        ('with open(path, "wb") as out:',
         'with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:'),
    )),
    ("token_cache", "permrace", 362, '''
        import json
        import os
        from pathlib import Path


        def store_token(token):
            cache = Path.home() / ".config" / "acme" / "token.json"
            cache.parent.mkdir(parents=True, exist_ok=True)
            «0»
            cache.write_text(json.dumps({"access_token": token}))
            cache.chmod(0o600)
        ''', (("", "os.umask(0o077)"),)),
    ("credentials_cli", "permrace", 362, '''
        import configparser
        import os


        def save_credentials(path, user, password):
            config = configparser.ConfigParser()
            config["default"] = {"user": user, "password": password}
            «0»
                config.write(handle)
            os.chmod(path, 0o600)
        ''', (
        ('with open(path, "w") as handle:',
         'with open(path, "w", opener=lambda p, flags: os.open(p, flags, 0o600)) as handle:'),
    )),
    ("fchmod_late", "permrace", 362, '''
        import os


        class KeyStore:
            def __init__(self, directory):
                self.directory = directory

            def save(self, name, secret):
                path = os.path.join(self.directory, name + ".key")
                «0»
                    os.fchmod(handle.fileno(), 0o600)
                    handle.write(secret)
        ''', (
        ('with open(path, "w") as handle:',
         'with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:'),
    )),
    ("kubeconfig", "permrace", 362, '''
        import os

        import yaml


        def write_kubeconfig(path, cluster, user_token):
            document = {"clusters": [cluster], "users": [{"token": user_token}]}
            «0»
                yaml.safe_dump(document, out)
            os.chmod(path, 0o600)
        ''', (
        ('with open(path, "w") as out:',
         'with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:'),
    )),
    ("agent_secret", "permrace", 362, '''
        import os
        import secrets

        SECRET_FILE = "/etc/agent/shared_secret"


        def provision():
            secret = secrets.token_hex(32)
            «0»
            with open(SECRET_FILE, "w") as out:
                out.write(secret)
            os.chmod(SECRET_FILE, 0o400)
            return secret
        ''', (("", "os.umask(0o077)"),)),
    ("pem_touch", "permrace", 362, '''
        import os
        from pathlib import Path


        def reserve_key_file(directory: Path) -> Path:
            key_file = directory / "server.pem"
            «0»
            os.chmod(key_file, 0o600)
            return key_file
        ''', (("key_file.touch()", "key_file.touch(mode=0o600)"),)),
]

TIMING = [
    ("webhook_hmac", "timing", 208, '''
        import hashlib
        import hmac
        import os

        from flask import Flask, abort, request

        app = Flask(__name__)
        SECRET = os.environ["WEBHOOK_SECRET"].encode()


        @app.post("/hooks/github")
        def github_hook():
            expected = "sha256=" + hmac.new(SECRET, request.get_data(), hashlib.sha256).hexdigest()
            «0»
                abort(403)
            return "", 204
        ''', (
        ('if expected != request.headers.get("X-Hub-Signature-256", ""):',
         'if not hmac.compare_digest(expected, request.headers.get("X-Hub-Signature-256", "")):'),
    )),
    ("api_key_middleware", "timing", 208, '''
        import hmac

        from django.conf import settings
        from django.http import HttpResponseForbidden


        class ApiKeyMiddleware:
            def __init__(self, get_response):
                self.get_response = get_response

            def __call__(self, request):
                provided = request.headers.get("X-Api-Key", "")
                «0»
                    return HttpResponseForbidden()
                return self.get_response(request)
        ''', (
        ("if provided != settings.SERVICE_API_KEY:",
         "if not hmac.compare_digest(provided, settings.SERVICE_API_KEY):"),
    )),
    ("reset_token", "timing", 208, '''
        import secrets

        from fastapi import FastAPI, HTTPException

        app = FastAPI()
        RESETS = {}


        @app.post("/password-reset/{user_id}")
        def reset(user_id: int, reset_token: str, new_password: str):
            stored_token = RESETS.get(user_id)
            if stored_token is None:
                raise HTTPException(404)
            «0»
                raise HTTPException(403)
            return {"ok": True}
        ''', (
        ("if reset_token != stored_token:",
         "if not secrets.compare_digest(reset_token, stored_token):"),
    )),
    ("signed_cookie", "timing", 208, '''
        import hashlib
        import hmac


        def unsign(value, key):
            payload, _, signature = value.rpartition(".")
            mac = hmac.new(key, payload.encode(), hashlib.sha256)
            «0»
                return payload
            return None
        ''', (
        ("if mac.hexdigest() == signature:",
         "if hmac.compare_digest(mac.hexdigest(), signature):"),
    )),
    ("bearer_token", "timing", 208, '''
        import hmac

        from aiohttp import web

        API_TOKEN = None


        async def handler(request):
            auth_token = request.headers.get("Authorization", "").removeprefix("Bearer ")
            «0»
                raise web.HTTPUnauthorized()
            return web.json_response({"status": "ok"})
        ''', (
        ("if auth_token != request.app['api_token']:",
         "if not hmac.compare_digest(auth_token, request.app['api_token']):"),
    )),
    ("password_hash", "timing", 208, '''
        import hashlib
        import hmac


        def check_login(user, password):
            digest = hashlib.sha256(user.salt + password.encode()).hexdigest()
            «0»
        ''', (
        ("return digest == user.password_hash",
         "return hmac.compare_digest(digest, user.password_hash)"),
    )),
    ("csrf_form", "timing", 208, '''
        import hmac

        from flask import abort, request, session


        def check_csrf():
            csrf_token = request.form.get("csrf_token", "")
            «0»
                abort(400)
        ''', (
        ('if csrf_token != session.get("csrf_token"):',
         'if not hmac.compare_digest(csrf_token, session.get("csrf_token", "")):'),
    )),
]

TIMING.append(
    ("license_signature_loop", "timing", 208, '''
        import hashlib
        import hmac

        SIGNING_KEY = b"loaded-at-start"


        def license_valid(payload, signature):
            expected_signature = hmac.new(SIGNING_KEY, payload, hashlib.sha256).hexdigest()
            if len(signature) != len(expected_signature):
                return False
            «0»
        ''', (
        ("for given, wanted in zip(signature, expected_signature):\n"
         "    if given != wanted:\n        return False\nreturn True",
         "return hmac.compare_digest(signature, expected_signature)"),
    )),
)

FAILING_OPEN = [
    ("policy_enforce", "failopen", 636, '''
        import logging

        LOG = logging.getLogger(__name__)


        class PolicyNotAuthorized(Exception):
            pass


        def is_authorized(enforcer, context, action, target):
            try:
                enforcer.enforce(action, target, context.to_policy_values(), do_raise=True)
            except PolicyNotAuthorized:
                return False
            except Exception:
                LOG.exception("policy check failed for %s", action)
                «0»
            return True
        ''', (("return True", "return False"),)),
    ("jwt_middleware", "failopen", 636, '''
        import logging

        import jwt

        log = logging.getLogger(__name__)


        def verify_request(headers, key):
            token = headers.get("Authorization", "").removeprefix("Bearer ")
            try:
                jwt.decode(token, key, algorithms=["HS256"])
            except jwt.InvalidTokenError:
                log.warning("rejected token")
                «0»
            return True
        ''', (("", "return False"),)),
    ("signature_swallowed", "failopen", 347, '''
        from cryptography.exceptions import InvalidSignature


        def apply_update(package, signature, public_key, installer):
            try:
                public_key.verify(signature, package)
            except InvalidSignature:
                «0»
            installer.install(package)
        ''', (("pass", "raise"),)),
    ("ldap_authenticate", "failopen", 636, '''
        import logging

        log = logging.getLogger(__name__)


        class LdapBackend:
            def __init__(self, server):
                self.server = server

            def authenticate(self, username, password):
                try:
                    self.server.simple_bind(username, password)
                except TimeoutError:
                    log.error("LDAP server timed out")
                    «0»
                except Exception:
                    return None
                return username
        ''', (("return username", "return None"),)),
    ("permission_flag", "failopen", 636, '''
        class Forbidden(Exception):
            pass


        def check_permission(acl_service, user, resource):
            allowed = False
            try:
                allowed = acl_service.lookup(user, resource)
            except ConnectionError:
                «0»
            if not allowed:
                raise Forbidden(resource)
        ''', (("allowed = True", "allowed = False"),)),
    ("has_perm_fallthrough", "failopen", 636, '''
        import logging

        log = logging.getLogger(__name__)


        def has_permission(user, project, store):
            try:
                members = store.members(project)
                if user not in members:
                    return False
            except KeyError:
                log.info("project %s has no member list", project)
                «0»
            return True
        ''', (("", "return False"),)),
    ("webhook_verify_continue", "failopen", 636, '''
        import logging

        from flask import Flask, request

        app = Flask(__name__)
        log = logging.getLogger(__name__)


        @app.post("/events")
        def events():
            try:
                verify_signature(request.headers, request.get_data())
            except ValueError:
                log.warning("bad signature")
                «0»
            handle_event(request.get_json())
            return "", 204


        def verify_signature(headers, body):
            if headers.get("X-Signature") is None:
                raise ValueError("unsigned")


        def handle_event(event):
            return event
        ''', (("", 'return "", 401'),)),
]

LOCKING = [
    ("rate_limiter", "locking", 667, '''
        import threading
        import time


        class RateLimiter:
            def __init__(self, limit):
                self._lock = threading.Lock()
                self.limit = limit
                self.used = 0
                self.window = time.monotonic()

            def acquire(self):
                with self._lock:
                    if self.used >= self.limit:
                        return False
                    self.used += 1
                    return True

            def reset(self):
                «0»
        ''', (("self.used = 0", "with self._lock:\n    self.used = 0"),)),
    ("session_registry", "locking", 667, '''
        import threading


        class SessionRegistry:
            def __init__(self):
                self._lock = threading.RLock()
                self.sessions = {}

            def register(self, session_id, session):
                with self._lock:
                    self.sessions[session_id] = session

            def revoke(self, session_id):
                «0»
        ''', (
        ("if session_id in self.sessions:\n    del self.sessions[session_id]",
         "with self._lock:\n    if session_id in self.sessions:\n        del self.sessions[session_id]"),
    )),
    ("oslo_synchronized", "locking", 667, '''
        from oslo_concurrency import lockutils


        class ResourceTracker:
            def __init__(self):
                self.allocated = 0

            @lockutils.synchronized("compute_resources")
            def claim(self, amount):
                self.allocated += amount

            «0»
            def abort(self, amount):
                self.allocated -= amount
        ''', (("", '@lockutils.synchronized("compute_resources")'),)),
    ("worker_pool_counter", "locking", 667, '''
        import threading


        class WorkerPool:
            def __init__(self, size):
                self._cond = threading.Condition()
                self.size = size
                self.busy = 0

            def checkout(self):
                with self._cond:
                    while self.busy >= self.size:
                        self._cond.wait()
                    self.busy += 1

            def checkin(self):
                «0»
        ''', (
        ("self.busy -= 1\nwith self._cond:\n    self._cond.notify()",
         "with self._cond:\n    self.busy -= 1\n    self._cond.notify()"),
    )),
    ("async_token_cache", "locking", 667, '''
        import asyncio


        class TokenCache:
            def __init__(self, client):
                self._client = client
                self._lock = asyncio.Lock()
                self._tokens = {}

            async def token_for(self, tenant):
                «0»
                    if tenant not in self._tokens:
                        self._tokens[tenant] = await self._client.issue(tenant)
                return self._tokens[tenant]
        ''', (("if True:", "async with self._lock:"),)),
    ("async_dedupe", "locking", 667, '''
        import asyncio


        class Deduplicator:
            def __init__(self, store):
                self.store = store
                self.seen = {}
                self.lock = asyncio.Lock()

            async def accept(self, message_id, payload):
                «0»
                    if message_id in self.seen:
                        return False
                    record = await self.store.save(payload)
                    self.seen[message_id] = record
                    return True
        ''', (("if True:", "async with self.lock:"),)),
    ("eventlet_stats", "locking", 667, '''
        from eventlet import semaphore


        class Stats:
            def __init__(self):
                self._sem = semaphore.Semaphore()
                self.requests = 0
                self.errors = 0

            def record(self, failed):
                with self._sem:
                    self.requests += 1
                    if failed:
                        self.errors += 1

            def record_error(self):
                «0»
        ''', (("self.errors += 1", "with self._sem:\n    self.errors += 1"),)),
]

CASES = TOCTOU + PERMISSION_RACE + TIMING + FAILING_OPEN + LOCKING
