"""A person's copy of their data and the erasure of their account (PIPL 第四十五条, 第四十七条;
backend/people/personal_data.py)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay
from strawberry.scalars import JSON

from backend.core.security import Principal
from backend.people import personal_data
from backend.people.errors import PeopleErrorCode as Code
from backend.people.service import SignInRules
from backend.people.sms import SmsRules
from schema.context import Info
from schema.mutations import mutate, mutate_workflow
from schema.people.api import PeopleResultPayload, UserPayload
from schema.people.api import _errors as people_errors
from schema.people.types import PeopleError, User
from schema.relay import decode_id


@strawberry.type(description="Result of exportPersonalData.")
class PersonalDataPayload:
    data: JSON | None = strawberry.field(
        description="Everything the county holds about the person, one entry per section "
        "(format yishi.personal-data/1): the account and its roles, sign-in sessions, meeting "
        "participation (comments, speaking requests, named votes; that a secret 测评票 was "
        "cast, never what), and each further domain's own section."
    )
    errors: list[PeopleError] = strawberry.field(description="Why nothing was exported.")


@strawberry.type
class PersonalDataMutations:
    @strawberry.mutation(
        description="A copy of the personal data the county holds (个人信息副本). Without "
        "`userId`, the signed-in person's own; with it, a county-wide administrator answering "
        "a person's request (written to the audit log)."
    )
    async def export_personal_data(
        self,
        info: Info,
        user_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="The person (administrators); default: yourself."),
        ] = None,
    ) -> PersonalDataPayload:
        async def run(s: AsyncSession, p: Principal) -> dict[str, Any]:
            uid = (
                decode_id(user_id, "User", field="userId", code=Code.NOT_FOUND)
                if user_id is not None
                else p.require_user()
            )
            return await personal_data.export_personal_data(s, p, user_id=uid)

        data, errors = await mutate(info, run)
        return PersonalDataPayload(
            data=JSON(data) if data is not None else None, errors=people_errors(errors)
        )

    @strawberry.mutation(
        description="Erase your own account (注销账户), confirmed with your password: your name "
        "and number are removed, you are signed out everywhere and cannot sign in again. What "
        "you said in public consultations stays in their records, without your name; sealed "
        "records keep verifying."
    )
    async def erase_my_account(
        self,
        info: Info,
        password: Annotated[
            str | None,
            strawberry.argument(description="Your current password (or give smsCode)."),
        ] = None,
        reason: Annotated[
            str, strawberry.argument(description="Why (kept in the audit log), ≤ 500 characters.")
        ] = "本人申请注销",
        sms_code: Annotated[
            str | None,
            strawberry.argument(
                description="Instead of the password: a code sent to your number by "
                "requestSmsCode (accounts made by SMS or 统一身份认证 sign-in have no password)."
            ),
        ] = None,
    ) -> PeopleResultPayload:
        settings = info.context.services.settings
        _, errors = await mutate_workflow(
            info,
            lambda db, p: personal_data.erase_own_account(
                db,
                info.context.services.passwords,
                p,
                password=password,
                reason=reason,
                sms_code=sms_code,
                sms=(SignInRules.from_settings(settings), SmsRules.from_settings(settings)),
            ),
        )
        return PeopleResultPayload(ok=not errors, errors=people_errors(errors))

    @strawberry.mutation(
        description="Erase a person's account at their request (county-wide administrators), "
        "with the reason; written to the audit log. The county's last administrator cannot be "
        "erased."
    )
    async def erase_person(
        self,
        info: Info,
        user_id: Annotated[relay.GlobalID, strawberry.argument(description="The person.")],
        reason: Annotated[
            str,
            strawberry.argument(
                description="The request it answers (e.g. 申请编号), ≤ 500 characters."
            ),
        ],
    ) -> UserPayload:
        async def run(s: AsyncSession, p: Principal) -> Any:
            uid = decode_id(user_id, "User", field="userId", code=Code.NOT_FOUND)
            return await personal_data.erase_person(s, p, user_id=uid, reason=reason)

        user, errors = await mutate(info, run)
        return UserPayload(
            user=User.from_model(user) if user else None, errors=people_errors(errors)
        )
