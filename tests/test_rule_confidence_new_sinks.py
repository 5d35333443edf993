"""How sure the JWT, fixed-IV/salt and NoSQL rules are: the confidence says what they saw."""

from __future__ import annotations

from secreview.config import ScanConfig
from secreview.findings import Confidence
from secreview.pipeline import review_source


def _confidences(text: str, rule_id: str) -> dict[int, Confidence]:
    report = review_source(text, "app.py", ScanConfig())
    assert report.error is None, report.error
    return {f.location.line: f.confidence for f in report.findings if f.rule_id == rule_id}


def test_a_mongo_filter_from_a_json_body_is_sure_and_one_from_a_query_string_is_not() -> None:
    text = (
        "from flask import request\n"
        "from pymongo import MongoClient\n"
        "db = MongoClient().app\n\n"
        "@app.route('/a', methods=['POST'])\n"
        "def a():\n"
        "    body = request.get_json()\n"
        "    return db.users.find_one({'name': body['name']})\n\n"
        "@app.route('/b')\n"
        "def b():\n"
        "    return db.users.find_one({'$where': 'this.n == ' + request.args['n']})\n"
    )
    assert _confidences(text, "nosql-injection") == {8: Confidence.HIGH, 12: Confidence.MEDIUM}


def test_a_str_cast_ends_the_nosql_flow_but_keeps_the_text_for_other_rules() -> None:
    text = (
        "import requests\n"
        "from flask import request\n"
        "from pymongo import MongoClient\n"
        "db = MongoClient().app\n\n"
        "@app.route('/a', methods=['POST'])\n"
        "def a():\n"
        "    url = str('https://api.example.com/' + request.json['name'])\n"
        "    db.users.find_one({'url': url})\n"
        "    return requests.get(url)\n"
    )
    report = review_source(text, "app.py", ScanConfig())
    rules = {(f.rule_id, f.location.line) for f in report.findings}
    assert ("nosql-injection", 9) not in rules
    ssrf = [f for f in report.findings if f.rule_id == "ssrf" and f.location.line == 10]
    assert not ssrf, "a fixed scheme and host stay known through str(), so this is no SSRF"


def test_a_function_that_says_it_peeks_at_a_token_lowers_the_jwt_finding() -> None:
    text = (
        "import jwt\n\n"
        "def claims(token):\n"
        "    return jwt.decode(token, options={'verify_signature': False})\n\n"
        "def peek_unverified_claims(token):\n"
        "    return jwt.decode(token, options={'verify_signature': False})\n\n"
        "def issuer(token):\n"
        "    unverified = jwt.decode(token, options={'verify_signature': False})\n"
        "    return unverified['iss']\n"
    )
    assert _confidences(text, "jwt-signature-not-verified") == {
        4: Confidence.MEDIUM,
        7: Confidence.LOW,
        10: Confidence.LOW,
    }


def test_a_token_taken_from_the_request_makes_the_jwt_finding_sure() -> None:
    text = (
        "import jwt\n"
        "from flask import request\n\n"
        "@app.route('/me')\n"
        "def me():\n"
        "    token = request.headers['Authorization'].split(' ')[1]\n"
        "    return jwt.decode(token, options={'verify_signature': False})['sub']\n\n"
        "def sample():\n"
        "    token = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJtZSJ9.'\n"
        "    return jwt.decode(token, options={'verify_signature': False})\n"
    )
    assert _confidences(text, "jwt-signature-not-verified") == {
        7: Confidence.HIGH,
        11: Confidence.LOW,
    }


def test_a_claim_of_a_verified_token_decoded_unverified_is_low() -> None:
    text = (
        "import jwt\n"
        "from flask import request\n\n"
        "@app.route('/me')\n"
        "def me():\n"
        "    cookie = request.cookies['session']\n"
        "    outer = jwt.decode(cookie, SECRET, algorithms=['HS256'])\n"
        "    inner = outer['access_token']\n"
        "    a = jwt.decode(inner, options={'verify_signature': False})\n"
        "    b = jwt.decode(outer.get('id_token'), options={'verify_signature': False})\n"
        "    peeked = jwt.decode(cookie, options={'verify_signature': False})\n"
        "    c = jwt.decode(peeked['refresh'], options={'verify_signature': False})\n"
        "    return a, b, c\n"
    )
    assert _confidences(text, "jwt-signature-not-verified") == {
        9: Confidence.LOW,
        10: Confidence.LOW,
        11: Confidence.HIGH,
        12: Confidence.HIGH,
    }


def test_the_none_algorithm_beside_a_key_is_low_and_without_a_key_is_not() -> None:
    text = (
        "import jwt\n\n"
        "def claims(token, key):\n"
        "    a = jwt.decode(token, key, algorithms=['HS256', 'none'])\n"
        "    b = jwt.decode(token, None, algorithms=['none'])\n"
        "    return a, b\n"
    )
    assert _confidences(text, "jwt-signature-not-verified") == {
        4: Confidence.LOW,
        5: Confidence.MEDIUM,
    }


def test_a_fixed_salt_on_a_password_is_sure_and_on_other_input_is_medium() -> None:
    text = (
        "import hashlib\n\n"
        "def store(password, api_key):\n"
        "    a = hashlib.pbkdf2_hmac('sha256', password.encode(), b'salt', 600000)\n"
        "    b = hashlib.pbkdf2_hmac('sha256', api_key, b'salt', 600000)\n"
        "    return a, b\n"
    )
    assert _confidences(text, "constant-salt") == {4: Confidence.HIGH, 5: Confidence.MEDIUM}


def test_a_fixed_iv_only_used_to_decrypt_is_low_and_one_that_encrypts_is_high() -> None:
    text = (
        "from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes\n\n"
        "def read(key, data):\n"
        "    return Cipher(algorithms.AES(key), modes.CBC(b' ' * 16)).decryptor().update(data)\n\n"
        "def write(key, data):\n"
        "    cipher = Cipher(algorithms.AES(key), modes.CBC(b' ' * 16))\n"
        "    return cipher.encryptor().update(data)\n\n"
        "def read_bound(key, data):\n"
        "    cipher = Cipher(algorithms.AES(key), modes.CBC(b' ' * 16))\n"
        "    return cipher.decryptor().update(data)\n"
    )
    assert _confidences(text, "constant-iv") == {
        4: Confidence.LOW,
        7: Confidence.HIGH,
        11: Confidence.LOW,
    }


def test_a_fixed_salt_and_a_fixed_password_reproduce_someone_elses_key() -> None:
    text = (
        "from cryptography.hazmat.primitives import hashes\n"
        "from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC\n\n"
        "def keys(secret_key):\n"
        "    a = PBKDF2HMAC(hashes.SHA1(), 16, b'saltysalt', 1).derive(b'peanuts')\n"
        "    b = PBKDF2HMAC(hashes.SHA256(), 32, b'app', 600000).derive(secret_key)\n"
        "    return a, b\n"
    )
    assert _confidences(text, "constant-salt") == {5: Confidence.LOW, 6: Confidence.MEDIUM}


def test_no_host_name_check_against_a_private_store_alone_is_low() -> None:
    text = (
        "import ssl\n\n"
        "def pinned(cert_path):\n"
        "    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=cert_path)\n"
        "    ctx.check_hostname = False\n"
        "    bare = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\n"
        "    bare.load_verify_locations(cert_path)\n"
        "    bare.check_hostname = False\n"
        "    return ctx, bare\n\n"
        "def public(cert_path):\n"
        "    ctx = ssl.create_default_context()\n"
        "    ctx.check_hostname = False\n"
        "    bare = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\n"
        "    bare.load_default_certs()\n"
        "    bare.check_hostname = False\n"
        "    unset = ssl.create_default_context(cafile=None)\n"
        "    unset.check_hostname = False\n"
        "    return ctx, bare, unset\n"
    )
    assert _confidences(text, "tls-verification-disabled") == {
        5: Confidence.LOW,
        8: Confidence.LOW,
        13: Confidence.HIGH,
        16: Confidence.HIGH,
        18: Confidence.HIGH,
    }


def test_request_text_only_likely_to_reach_a_pattern_is_medium_as_the_taint_rules_rate_it() -> None:
    text = (
        "import re\n"
        "from flask import request\n"
        "import wsgitools\n\n"
        "SLOW = re.compile(r'<pre\\s*[^>]*id=\"x\".*?>', re.I | re.S)\n\n"
        "@app.route('/a')\n"
        "def a():\n"
        "    return SLOW.search(request.args['html'])\n\n"
        "@app.route('/b')\n"
        "def b():\n"
        "    body = wsgitools.intercept(request.environ)\n"
        "    return SLOW.search(body)\n"
    )
    found = _confidences(text, "regex-catastrophic-backtracking")
    assert found == {5: Confidence.HIGH}
    only_b = text.replace("    return SLOW.search(request.args['html'])\n", "    return None\n")
    assert _confidences(only_b, "regex-catastrophic-backtracking") == {5: Confidence.MEDIUM}
