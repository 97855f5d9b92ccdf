"""Who may use a served page: the rules `rag serve` applies before it listens.

A page on the loopback address is reachable only from this machine, so it
needs no login. On any other address it answers whoever can reach the port,
so it starts only with credentials (`--auth user:password` or `RAG_AUTH`)
or with an explicit `--no-auth`, which is announced as a warning.
"""

from __future__ import annotations

import base64
import hmac
import ipaddress
from dataclasses import dataclass

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class AccessError(ValueError):
    """The server must not start as asked; the message says what to do."""


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str

    @classmethod
    def parse(cls, text: str) -> "Credentials":
        user, separator, password = text.partition(":")
        if not separator or not user or not password:
            raise AccessError("--auth / RAG_AUTH must be USER:PASSWORD, both non-empty")
        return cls(user, password)

    def matches(self, user: str, password: str) -> bool:
        # Compared in constant time, so response timing does not leak how
        # much of a guess was right.
        user_ok = hmac.compare_digest(user.encode(), self.user.encode())
        password_ok = hmac.compare_digest(password.encode(), self.password.encode())
        return user_ok and password_ok

    def allows_header(self, header: str | None) -> bool:
        """Whether an Authorization header carries these credentials: HTTP
        Basic with the user and password, or a bearer token equal to the
        password (for scripts that hold one secret)."""
        if not header:
            return False
        scheme, _, value = header.strip().partition(" ")
        value = value.strip()
        if scheme.lower() == "bearer":
            return hmac.compare_digest(value.encode(), self.password.encode())
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return False
        user, separator, password = decoded.partition(":")
        return bool(separator) and self.matches(user, password)


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable only from this machine."""
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_exposure(host: str, credentials: Credentials | None, no_auth: bool) -> str | None:
    """Raise AccessError when serving on `host` as asked would expose the
    documents to the network without a login; return a warning to print
    when the operator chose to do so anyway."""
    if credentials is not None and no_auth:
        raise AccessError("--auth and --no-auth contradict each other; give one")
    if credentials is not None or is_loopback(host):
        return None
    if not no_auth:
        raise AccessError(f"refusing to serve on {host} without a login: anyone who can reach "
                          f"the port could read the indexed documents. Give --auth USER:PASSWORD "
                          f"(or set RAG_AUTH), or --no-auth to serve openly anyway")
    return (f"warning: serving on {host} with no login (--no-auth): anyone who can reach the "
            f"port can read the indexed documents and add files")
