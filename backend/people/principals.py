"""Who is asking: the one resolver of principals, for HTTP requests and websockets alike.

A principal is resolved from `Credentials` (a bearer token and/or a county slug) by
`PrincipalResolver.resolve`. For a member it needs the account's grants, active flag and
session epoch (`people.service.load_account`, one query); these are cached per account and
the cache is kept true by PostgreSQL itself: a trigger bumps `users.credentials_version`
and sends `NOTIFY yishi_credentials` whenever a password, an active flag, a session epoch
or a role changes (migration 0007), however the change is made. Every worker LISTENs on a
connection of its own; a notification drops the account's cache entry and calls the
watchers of that account (the open sockets, which re-check themselves). While the listener
is not connected nothing is served from the cache, and when it connects again every
watcher re-checks (notifications may have been missed meanwhile).

Changes committed by this process are also applied at once, before the notification comes
back (ORM events on `User` and `Membership`, run after the commit): the next request of the
same client must never see the grants it just changed.

Nothing here is per event: a live meeting's 5,000 watchers cost nothing until one of their
accounts changes, and then one query per account and worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import asyncpg
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import object_session

from backend.core.db import after_commit
from backend.core.observability import note_tenant
from backend.core.security import (
    ACCOUNT_DISABLED,
    COUNTY_MISMATCH,
    TOKEN_REVOKED,
    UNKNOWN_COUNTY,
    Credentials,
    CredentialsRefused,
    Principal,
    Resolved,
    TokenClaims,
    decode_access_token,
    token_expired,
)
from backend.people import service as people
from backend.people.models import Membership, User

if TYPE_CHECKING:
    from backend.core.db import Database
    from tenants.directory import TenantDirectory

log = logging.getLogger(__name__)
T = TypeVar("T")
CHANNEL = "yishi_credentials"
AccountKey = tuple[int, int]  # (tenant id, user id)
# Runs `fn` in a read session scoped to (tenant, user): the request's read transaction over
# HTTP (no extra connection), a short transaction of its own otherwise.
Loader = Callable[[Callable[[AsyncSession], Awaitable[T]], int, int], Awaitable[T]]
Watcher = Callable[[int | None], None]  # called with the new credentials version (None: unknown)


class PrincipalResolver:
    """Resolves credentials to principals, with each account's grants cached (see module)."""

    def __init__(
        self,
        db: Database,
        tenants: TenantDirectory,
        *,
        secret: str,
        max_accounts: int = 50_000,
        max_tokens: int = 20_000,
        keepalive_seconds: float = 15.0,
    ) -> None:
        self.db = db
        self.tenants = tenants
        self._secret = secret
        self._max_accounts = max_accounts
        self._keepalive = keepalive_seconds
        self._accounts: OrderedDict[AccountKey, people.Account] = OrderedDict()
        # Verified access tokens → their claims: a crowd joining a meeting with the same
        # or few tokens checks each signature once. Only verified tokens get in, and the
        # expiry is checked on every use (`_claims`).
        self._max_tokens = max_tokens
        self._tokens: OrderedDict[str, TokenClaims] = OrderedDict()
        self._loading: dict[AccountKey, asyncio.Future[people.Account | None]] = {}
        self._watchers: dict[AccountKey, set[Watcher]] = {}
        self._changes = 0  # account changes heard of, so a load that raced one is not cached
        self.live = False  # the listener is connected: cached accounts are kept true
        self._listener: asyncio.Task[None] | None = None
        self._orm_hooks = (
            (User, "after_update"),
            (Membership, "after_insert"),
            (Membership, "after_update"),
            (Membership, "after_delete"),
        )

    # -- resolving -----------------------------------------------------------------------

    async def resolve(
        self, credentials: Credentials, *, request_id: str | None, load: Loader[Any] | None = None
    ) -> Resolved:
        """The principal of `credentials`, or CredentialsRefused saying why not (its
        `reason` tells "get a new token" from "not allowed"). The request's log lines carry
        its county from here on (`observability.note_tenant`)."""
        resolved = await self._resolve(credentials, request_id=request_id, load=load)
        note_tenant(resolved.principal.tenant_id)
        return resolved

    async def _resolve(
        self, credentials: Credentials, *, request_id: str | None, load: Loader[Any] | None
    ) -> Resolved:
        slug_tenant: int | None = None
        if credentials.county:
            slug_tenant = await self.tenants.resolve(credentials.county)
            if slug_tenant is None:
                # Only a well-formed slug is echoed: the header may be anything, of any size.
                message = (
                    f"未知的县：{credentials.county}"
                    if self.tenants.valid(credentials.county)
                    else "县标识格式无效"
                )
                raise CredentialsRefused(message, reason=UNKNOWN_COUNTY)
        if not credentials.token:
            return Resolved(Principal(tenant_id=slug_tenant, request_id=request_id))
        claims = self._claims(credentials.token)
        if claims.operator_id is not None:
            principal = Principal(
                tenant_id=None, operator_id=claims.operator_id, request_id=request_id
            )
            return Resolved(principal, expires_at=claims.expires_at)
        if slug_tenant is not None and slug_tenant != claims.tenant_id:
            raise CredentialsRefused("登录令牌与请求的县不一致", reason=COUNTY_MISMATCH)
        assert claims.tenant_id is not None and claims.user_id is not None
        account = await self.account(claims.tenant_id, claims.user_id, load)
        if account is None or not account.active:
            raise CredentialsRefused("账号不存在或已停用", reason=ACCOUNT_DISABLED)
        if claims.session_epoch != account.session_epoch:
            raise CredentialsRefused("密码已修改，请用新密码重新登录", reason=TOKEN_REVOKED)
        principal = Principal(
            tenant_id=claims.tenant_id,
            user_id=claims.user_id,
            grants=account.grants,
            display_name=account.display_name,
            request_id=request_id,
            verification=account.verification,
        )
        return Resolved(
            principal,
            expires_at=claims.expires_at,
            credentials_version=account.credentials_version,
        )

    def _claims(self, token: str) -> TokenClaims:
        """The token's verified claims (`decode_access_token`), its signature checked once
        per token; CredentialsRefused once it has expired, as PyJWT would say."""
        claims = self._tokens.get(token)
        if claims is None:
            claims = decode_access_token(token, secret=self._secret)
            self._tokens[token] = claims
            while len(self._tokens) > self._max_tokens:
                self._tokens.popitem(last=False)
        else:
            self._tokens.move_to_end(token)
        if claims.expires_at <= time.time():
            self._tokens.pop(token, None)
            raise token_expired()
        return claims

    async def account(
        self, tenant_id: int, user_id: int, load: Loader[Any] | None = None
    ) -> people.Account | None:
        """The account as stored: from the cache while the listener keeps it true, else
        read (one query; concurrent misses of one account share it)."""
        key = (tenant_id, user_id)
        if self.live:
            cached = self._accounts.get(key)
            if cached is not None:
                self._accounts.move_to_end(key)
                return cached
        pending = self._loading.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._load(key, load))
            self._loading[key] = pending
            pending.add_done_callback(functools.partial(self._loaded, key))
        return await asyncio.shield(pending)

    async def _load(self, key: AccountKey, load: Loader[Any] | None) -> people.Account | None:
        tenant_id, user_id = key
        changes, live = self._changes, self.live

        def fn(session: AsyncSession) -> Awaitable[people.Account | None]:
            return people.load_account(session, user_id)

        account: people.Account | None
        if load is not None:
            account = await load(fn, tenant_id, user_id)
        else:
            account = await self.db.run(fn, tenant_id=tenant_id, user_id=user_id, read_only=True)
        # Cached only if no change was heard of while reading (it may not be in the row
        # read) and the listener was connected throughout.
        if account is not None and live and self.live and changes == self._changes:
            self._accounts[key] = account
            while len(self._accounts) > self._max_accounts:
                self._accounts.popitem(last=False)
        return account

    def _loaded(self, key: AccountKey, future: asyncio.Future[Any]) -> None:
        if self._loading.get(key) is future:
            del self._loading[key]
        if not future.cancelled():
            future.exception()  # retrieved: its waiters got it, or there were none

    # -- changes -------------------------------------------------------------------------

    @property
    def changes(self) -> int:
        """How many account changes were heard of so far: a caller that saw this move
        while it resolved may hold a principal from before a change."""
        return self._changes

    def watch(self, tenant_id: int, user_id: int, watcher: Watcher) -> Callable[[], None]:
        """Call `watcher(version)` whenever the account changes (or may have changed, with
        None); returns the function that stops watching."""
        key = (tenant_id, user_id)
        self._watchers.setdefault(key, set()).add(watcher)

        def unwatch() -> None:
            watchers = self._watchers.get(key)
            if watchers is not None:
                watchers.discard(watcher)
                if not watchers:
                    del self._watchers[key]

        return unwatch

    def changed(self, tenant_id: int, user_id: int, version: int | None = None) -> None:
        """The account changed: forget it and tell its watchers."""
        key = (tenant_id, user_id)
        self._changes += 1
        self._accounts.pop(key, None)
        # A read in progress may predate the change: whoever asks from now on reads anew.
        self._loading.pop(key, None)
        for watcher in list(self._watchers.get(key, ())):
            try:
                watcher(version)
            except Exception:
                log.exception("credentials watcher failed")

    def _everything_may_have_changed(self) -> None:
        self._changes += 1
        self._accounts.clear()
        for key in list(self._watchers):
            for watcher in list(self._watchers.get(key, ())):
                with contextlib.suppress(Exception):
                    watcher(None)

    def _on_notify(self, connection: Any, pid: int, channel: str, payload: str) -> None:
        try:
            tenant, user, version = (int(part) for part in payload.split(":"))
        except ValueError:
            log.warning("malformed %s notification ignored: %r", CHANNEL, payload)
            return
        self.changed(tenant, user, version)

    def _on_orm_change(self, mapper: Any, connection: Any, target: User | Membership) -> None:
        """A change to an account or a role made by this process: applied once committed,
        without waiting for the notification to come back."""
        session = object_session(target)
        if session is None:
            return
        user_id = target.id if isinstance(target, User) else target.user_id
        key = (target.tenant_id, user_id)
        seen: set[AccountKey] = session.info.setdefault("credentials_changed", set())
        if key in seen:
            return
        seen.add(key)

        async def apply() -> None:
            seen.discard(key)
            self.changed(*key)

        after_commit(session, apply)  # type: ignore[arg-type]  # AsyncSession.info is shared

    # -- lifetime ------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen for account changes (and wait, briefly, for the first connection)."""
        for cls, name in self._orm_hooks:
            event.listen(cls, name, self._on_orm_change)
        self._listener = asyncio.create_task(self._listen(), name="credentials-listener")
        for _ in range(100):
            if self.live or self._listener.done():
                break
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        for cls, name in self._orm_hooks:
            with contextlib.suppress(Exception):
                event.remove(cls, name, self._on_orm_change)
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(BaseException):
                await self._listener
        self.live = False

    def _dsn(self) -> str:
        url = self.db.app_engine.url.set(drivername="postgresql")
        return url.render_as_string(hide_password=False)

    async def _listen(self) -> None:
        delay, connected_before = 0.1, False
        while True:
            connection = None
            try:
                connection = await asyncpg.connect(
                    self._dsn(), server_settings={"application_name": "yishi-credentials"}
                )
                lost = asyncio.Event()
                connection.add_termination_listener(functools.partial(_set, lost))
                await connection.add_listener(CHANNEL, self._on_notify)
                self.live, delay = True, 0.1
                if connected_before:
                    log.info("credentials listener reconnected; open sockets re-check")
                    self._everything_may_have_changed()
                connected_before = True
                while not lost.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(lost.wait(), self._keepalive)
                    if not lost.is_set():  # a silently dropped connection shows here
                        await asyncio.wait_for(connection.execute("SELECT 1"), 5)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("credentials listener lost (%s); retrying in %.1fs", exc, delay)
            finally:
                self.live = False
                self._accounts.clear()
                if connection is not None:
                    with contextlib.suppress(Exception):
                        await connection.close(timeout=2)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


def _set(flag: asyncio.Event, *_: object) -> None:
    flag.set()
