"""The cases domain's payload error (`CaseError`) and its code enum, shared by every cases
mutation (core's workflows and the analytics ones)."""

from __future__ import annotations

import strawberry

from backend.cases.errors import CaseErrorCode as _Code
from backend.core.errors import DomainError
from schema.errors import UserError
from schema.mutations import user_errors

CaseErrorCode = _Code
strawberry.enum(CaseErrorCode, description="Why a case action was refused.")


@strawberry.type(description="Why a case action was refused, and which input field it concerns.")
class CaseError(UserError):
    code: CaseErrorCode = strawberry.field(description="Machine-readable reason.")


def case_errors(errors: list[DomainError]) -> list[CaseError]:
    return user_errors(errors, CaseError, CaseErrorCode)
