"""The session engine: Django's database sessions, read together with the signed-in user (ADR 0014).

A signed-in page used to read its session from Redis (Django's cached_db engine) and then its user and the
user's facts from the database in a second round trip (ADR 0012). The session row now carries the user's id
(`accounts.Session.user`), and `load` reads the session data, the user and the facts in one prepared statement.
Django's authentication then asks the backend for the user the session names; the backend takes the instance
this statement built, if it is the same user, while this request's user is being resolved (`resolving`), and
reads it itself otherwise. Django's checks are unchanged: expiry, the signed session data, the session's hash
of the password, an inactive user.

A session with no user (before sign-in) or an unknown key is read the ordinary way, in a second statement.

The signed session text changes only when the session is written (sign-in, the idle clock once a minute), so
each process keeps what it decoded from a text it has seen (`_DECODED`): the same text verifies and decodes to
the same data, and Django's check of the signature and JSON parse (16 µs timed alone, more inside a request)
runs once per text rather than on every request. Only data of plain values is kept, handed out as a copy.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any, cast

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db.models import F
from django.utils import timezone

from minsheng.common.prepared import PreparedQuery

from . import facts
from .models import Session, User

_SESSION_DATA = "ms_session_data"
_SESSION_EXPIRES = "ms_session_expires"

_DECODED_MAX = 4096
_DECODED: dict[str, dict[str, Any]] = {}  # signed session text -> its data (plain values only)
_PLAIN = (str, int, float, bool, type(None))

_USER_BY_SESSION = PreparedQuery(
    User,
    lambda session_key: facts.signed_in_user(
        User._default_manager.filter(sessions__session_key=session_key)
    ).annotate(**{_SESSION_DATA: F("sessions__session_data"), _SESSION_EXPIRES: F("sessions__expire_date")}),
)

# The session store of the request whose user Django's authentication is resolving, in this thread, during that
# call only: the backend takes the user the store read from it, so no other request can see it.
_RESOLVING: ContextVar[SessionStore | None] = ContextVar("minsheng_session_resolving", default=None)


class SessionStore(DatabaseSessionStore):
    """Database sessions in `accounts.Session`, the user's id kept in its own column, read with the user."""

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self.prefetched_user: User | None = None

    @classmethod
    def get_model_class(cls) -> type[Session]:
        return Session

    def create_model_instance(self, data: dict[str, Any]) -> Session:
        session = cast(Session, super().create_model_instance(data))  # the model get_model_class names
        session.user_id = _user_id(data)
        return session

    def load(self) -> dict[str, Any]:
        self.prefetched_user = None
        key = self.session_key
        rows = _USER_BY_SESSION.rows(key) if key is not None else []
        if not rows:
            return super().load()  # no user on this session, or no such session: Django's own read
        user = _USER_BY_SESSION.instances(rows)[0]
        encoded = vars(user).pop(_SESSION_DATA)
        expires = vars(user).pop(_SESSION_EXPIRES)
        if expires <= timezone.now():
            self._session_key = None  # as Django's read does for an expired session
            return {}
        data = self._decoded(encoded)
        if _user_id(data) == user.pk:
            self.prefetched_user = user
        return data

    def _decoded(self, encoded: str) -> dict[str, Any]:
        """`self.decode(encoded)`, remembered per text in this process (copies of data of plain values)."""
        known = _DECODED.get(encoded)
        if known is not None:
            return dict(known)
        data: dict[str, Any] = self.decode(encoded)
        if data and all(isinstance(value, _PLAIN) for value in data.values()):
            if len(_DECODED) >= _DECODED_MAX:
                _DECODED.clear()  # simpler than an LRU, and a text is decoded again at most once after
            _DECODED[encoded] = dict(data)
        return data


def _user_id(data: dict[str, Any]) -> int | None:
    try:
        return int(data[SESSION_KEY])
    except (KeyError, TypeError, ValueError):
        return None


@contextlib.contextmanager
def resolving(store: Any) -> Iterator[None]:
    """While this request's user is resolved, the backend may take the user `store` read with the session."""
    token = _RESOLVING.set(store if isinstance(store, SessionStore) else None)
    try:
        yield
    finally:
        _RESOLVING.reset(token)


def take_prefetched_user(user_id: int) -> User | None:
    """The user the session being resolved read, if it is `user_id`; once (a second ask reads afresh)."""
    store = _RESOLVING.get()
    if store is None:
        return None
    user = store.prefetched_user
    if user is None or user.pk != user_id:
        return None
    store.prefetched_user = None
    return user
