"""Accounts for tests: inserted directly with a precomputed password hash, signed in by
minting an access token (the login path itself is tested through the API)."""

from __future__ import annotations

import functools
import itertools
import random
from dataclasses import dataclass

from backend.core.security import encode_access_token
from backend.people.models import Membership, PlatformOperator, Role, User
from backend.people.passwords import hash_now
from tests.conftest import LiveServer
from tests.factories.tenants import Account, County

PASSWORD = "correct-horse-42"
_phones = itertools.count(random.randint(0, 10_000_000))


@functools.cache
def password_hash() -> str:
    return hash_now(PASSWORD)


def next_phone() -> str:
    return f"139{next(_phones) % 100_000_000:08d}"


def token_for(server: LiveServer, county_id: int, user_id: int, ttl: int = 900) -> str:
    secret = server.services.settings.jwt_secret.get_secret_value()
    return encode_access_token(
        secret=secret, ttl_seconds=ttl, tenant_id=county_id, user_id=user_id
    )[0]


async def make_user(
    server: LiveServer,
    county: County,
    *,
    roles: list[tuple[Role, int | None]] = (),  # type: ignore[assignment]
    name: str = "测试用户",
    phone: str | None = None,
) -> Account:
    phone = phone or next_phone()
    async with server.services.db.transaction(tenant_id=county.id) as session:
        user = User(
            tenant_id=county.id,
            display_name=name,
            phone=f"+86{phone}",
            password_hash=password_hash(),
        )
        session.add(user)
        await session.flush()
        for role, unit_id in roles:
            session.add(
                Membership(tenant_id=county.id, user_id=user.id, role=role, org_unit_id=unit_id)
            )
    return Account(
        user_id=user.id, token=token_for(server, county.id, user.id), phone=phone, county=county
    )


@dataclass
class Operator:
    id: int
    token: str


async def make_operator(server: LiveServer) -> Operator:
    """A platform operator (inserted directly) with an access token minted for it."""
    async with server.services.db.platform_transaction() as session:
        operator = PlatformOperator(
            username=f"op-{next(_phones) % 100_000_000:08d}-{random.randint(0, 9999)}",
            password_hash=password_hash(),
        )
        session.add(operator)
        await session.flush()
    secret = server.services.settings.jwt_secret.get_secret_value()
    token = encode_access_token(
        secret=secret, ttl_seconds=900, tenant_id=None, operator_id=operator.id
    )[0]
    return Operator(id=operator.id, token=token)
