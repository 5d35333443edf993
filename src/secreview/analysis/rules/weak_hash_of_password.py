"""CWE-328 by data flow: a password from untrusted input hashed with MD5 or SHA-1.

Its pattern twins are `weak-hash` and `fast-password-hash`.
"""

from __future__ import annotations

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.findings import Confidence, Severity

weak_hash_of_password = taint_rule(
    TaintSpec(
        "weak-hash",
        "MD5 and SHA-1 are fast and unsalted digests of common passwords are in lookup tables, "
        "so whoever reads the digests recovers most passwords within hours.",
        origins=("secret",),
        names_the_label=True,
    ),
    id="weak-hash-of-password",
    name="Password from untrusted input hashed with MD5 or SHA-1",
    cwe=328,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="A password the user sent is hashed with MD5, SHA-1 (or MD4/MD2).",
    fix="Hash passwords with a password hash: argon2-cffi's `PasswordHasher().hash(password)`, "
    "bcrypt, or `hashlib.scrypt(password.encode(), salt=os.urandom(16), n=2**14, r=8, p=1)`; "
    "verify with the library's constant-time check.",
    what_it_does="Follows passwords from untrusted input into `hashlib.md5`, `hashlib.sha1`, "
    '`hashlib.new("md5"/"sha1")`, `.update()` of such a hash object and pycryptodome\'s '
    "`MD5/SHA1.new`. A value is a password when it is read, stored or passed under a name whose "
    "head noun is one (`request.form['password']`, a JSON key `newPassword`, a FastAPI "
    "parameter `password`, `body.password`, `pwd = input()`; not `password_reset_url`). "
    "`usedforsecurity=False` does not silence it: a digest of a password is a security "
    "control whatever the flag says. API keys and random tokens are not passwords: their "
    "preimages are out of reach even through MD5. On the same line it replaces the pattern "
    "rules `weak-hash` and `fast-password-hash`, adding the path the password took.",
    why_bad="Passwords are short and human-chosen: a GPU tests billions of MD5 or SHA-1 guesses a "
    "second, and unsalted digests of common passwords are simply looked up. Once the digests "
    "leak (a backup, an SQL injection), so do the passwords, which people reuse elsewhere "
    "(CWE-328, CWE-916).",
    example="password = request.form['password']\n"
    "user.password_hash = hashlib.md5(password.encode()).hexdigest()",
    use_instead="password = request.form['password']\n"
    "user.password_hash = PasswordHasher().hash(password)  # argon2-cffi",
    references=(
        "https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html",
        "https://docs.python.org/3/library/hashlib.html#hashlib.scrypt",
        "https://argon2-cffi.readthedocs.io/en/stable/api.html",
        "https://cwe.mitre.org/data/definitions/328.html",
    ),
)
