"""Facts about the signed-in user that every page needs, read in the one statement that loads the user (ADR 0012).

A signed-in page used to make five short statements after the session: the user, whether they must use a second
factor, their role assignments, the progress data version and their unread notices. Each costs about 0.3 ms of
server CPU in a round trip, more than the database's own work. Each of those apps registers here, in its
`AppConfig.ready()`, a scalar subquery correlated on the user's primary key; the authentication backend adds
them all as annotations to its prepared user query, so they arrive with the user, as of the start of the
request, on both databases. The registry keeps the dependency pointing the right way: accounts knows nothing
about notices or progress.

Readers call `fact(user, name)`, which answers `MISSING` for a user loaded any other way (a test's ORM user,
an API token's user); they then read the value themselves, as before. A fact is the state at the start of the
request: the views that change one (marking notices read) redirect rather than render.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from django.db.models import Expression, QuerySet, Subquery

_PREFIX: Final = "ms_fact_"


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()

_FACTS: dict[str, Callable[[], Expression | Subquery]] = {}


def register(name: str, expression: Callable[[], Expression | Subquery]) -> None:
    """Read `expression()` (a scalar correlated on `OuterRef("pk")` of the user) with every signed-in user.

    Called from `AppConfig.ready()`, before the first request compiles the user query."""
    if not name.isidentifier() or "__" in name:
        raise ValueError(f"user fact name must be a plain identifier: {name!r}")
    _FACTS[name] = expression


def as_annotations() -> dict[str, Expression | Subquery]:
    """The registered facts as `QuerySet.annotate` keyword arguments."""
    return {_PREFIX + name: build() for name, build in sorted(_FACTS.items())}


def fact(user: Any, name: str) -> Any:
    """The value read with `user` at the start of the request, or `MISSING`."""
    return getattr(user, _PREFIX + name, MISSING)


def signed_in_user(users: QuerySet[Any]) -> QuerySet[Any]:
    """`users` as every signed-in request reads its user: the registered facts annotated, the encrypted real-name
    fields left out (every read would decrypt them on every request; only the profile needs them, and reading
    one there loads it)."""
    signed_in: QuerySet[Any] = users.defer("phone", "id_number").annotate(**as_annotations())
    return signed_in
