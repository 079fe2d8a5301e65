"""Keyed pseudonyms of people, for rows that must be one per person without naming them.

A 民生实事 vote or year-end evaluation has to be unique per person (one vote per project,
at most `max_votes` per round; one evaluation per project), yet who voted for what, or who
rated a unit's project 不满意, is nobody's business: not the unit's officials (through the
API) and not whoever holds the database. Such rows keep `pseudonym(purpose, tenant, scope,
user)`, an HMAC-SHA-256 under a key derived from ID_KEY, instead of the user id: the
database alone (tables, old row versions, the WAL, backups, exports) does not tell whose a
row is; the service, which holds the key, can still find a person's own rows (their vote
flags, their personal-data export). The scope (a round, a project) keeps one person's rows
of different scopes apart as well. docs/personal-data.md says what a DBA can still see.

The key follows ID_KEY, which never changes in a deployment (global ids depend on it):
a new key would let everyone vote again in an open round.
"""

from __future__ import annotations

import hashlib
import hmac

_key: bytes | None = None
_installed_from: str | None = None


def install_pseudonym_key(id_key: str) -> None:
    """Derive the key from `id_key` (settings.id_key) for this process; the app does this
    when it is created, and until then the process's settings are used. A second,
    different key is a RuntimeError (pseudonyms are the deployment's, not an app's)."""
    global _key, _installed_from
    if _installed_from == id_key:
        return
    if _installed_from is not None:
        raise RuntimeError("ID_KEY differs from the one this process already uses")
    _key = hmac.new(id_key.encode(), b"yishi/pseudonyms/v1", hashlib.sha256).digest()
    _installed_from = id_key


def _current_key() -> bytes:
    if _key is None:
        from backend.core.settings import get_settings

        install_pseudonym_key(get_settings().id_key.get_secret_value())
    assert _key is not None
    return _key


def pseudonym(purpose: str, tenant_id: int, scope_id: int, user_id: int) -> str:
    """The person's pseudonym (64 hex digits) for `purpose` within one scope."""
    message = f"{purpose}:{tenant_id}:{scope_id}:{user_id}".encode()
    return hmac.new(_current_key(), message, hashlib.sha256).hexdigest()


def lock_key(value: str) -> int:
    """A 31-bit advisory-lock key from a pseudonym (a lock on the user id would put the id
    in the statement log)."""
    return int(value[:8], 16) & 0x7FFFFFFF
