"""Input checks shared by services; each failure names the field and the reason."""

from __future__ import annotations

import enum
from typing import Literal, overload

from backend.core.errors import DomainError


@overload
def clean_text(
    value: str | None,
    *,
    field: str,
    code: enum.Enum,
    label: str,
    max_length: int,
    required: Literal[True] = True,
) -> str: ...
@overload
def clean_text(
    value: str | None, *, field: str, code: enum.Enum, label: str, max_length: int, required: bool
) -> str | None: ...
def clean_text(
    value: str | None,
    *,
    field: str,
    code: enum.Enum,
    label: str,
    max_length: int,
    required: bool = True,
) -> str | None:
    """Stripped text within `max_length` characters; empty means None unless required."""
    text = (value or "").strip()
    if not text:
        if required:
            raise DomainError(code, f"{label}不能为空", field=field)
        return None
    if len(text) > max_length:
        raise DomainError(code, f"{label}不能超过{max_length}个字", field=field)
    return text
