"""Importing a county's existing case ledger (台账) from .xlsx or .csv.

The ledger's first row names its columns in Chinese (受理时间, 来源渠道, 诉求人, 联系电话,
所属村社, 事项类型, 标题, 内容, 承办单位, 办理状态, 办结时间, 满意度, and a few usual
variants of each, `COLUMNS`). Every later row is one case. A row is all or nothing: it is
either created whole (in a savepoint of its own) or rejected with every problem found in it,
each naming the column and the reason (`RowProblem`), and the rows around it go on.

Each row carries an idempotency key derived from its content (`ledger:` + a digest of the
fields that identify a matter, or `ledger:no:<受理编号>` when the ledger has numbers), so
a ledger imported twice (or a row repeated in one file) creates each case once: the second
time the row is reported DUPLICATE with the case it already made.
"""

from __future__ import annotations

import csv
import enum
import hashlib
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases import access  # noqa: F401  (first: intake imports it, and it intake)
from backend.cases.errors import CaseErrorCode
from backend.cases.events import CaseEvent
from backend.cases.intake import next_number, received_snapshot
from backend.cases.models import Case, CaseChannel, CaseKind, CaseState, Satisfaction
from backend.cases.stream import append_event
from backend.cases.text import keywords
from backend.core.errors import DomainError
from backend.core.security import Principal
from tenants.models import OrgUnit

#: At most this many data rows per ledger (a bigger one is split by the county).
MAX_ROWS = 5000
MAX_TITLE = 200
MAX_BODY = 10_000


class ColumnKey(enum.Enum):
    NUMBER = "受理编号"
    RECEIVED_AT = "受理时间"
    CHANNEL = "来源渠道"
    CONTACT_NAME = "诉求人"
    CONTACT_PHONE = "联系电话"
    PLACE = "所属村社"
    KIND = "事项类型"
    TITLE = "标题"
    BODY = "内容"
    UNIT = "承办单位"
    STATE = "办理状态"
    CLOSED_AT = "办结时间"
    SATISFACTION = "满意度"
    PRIVATE = "是否公开"


#: Header texts accepted for each column (the canonical name first).
COLUMNS: dict[ColumnKey, tuple[str, ...]] = {
    ColumnKey.NUMBER: ("受理编号", "编号", "工单号", "工单编号", "序号编号"),
    ColumnKey.RECEIVED_AT: ("受理时间", "受理日期", "登记时间", "来件时间", "反映时间"),
    ColumnKey.CHANNEL: ("来源渠道", "渠道", "来源", "受理渠道"),
    ColumnKey.CONTACT_NAME: ("诉求人", "反映人", "姓名", "来访人", "群众姓名"),
    ColumnKey.CONTACT_PHONE: ("联系电话", "电话", "手机", "手机号", "联系方式"),
    ColumnKey.PLACE: ("所属村社", "村社", "所在村社", "所属地", "所在地", "村(社区)"),
    ColumnKey.KIND: ("事项类型", "类型", "诉求类型", "件类型"),
    ColumnKey.TITLE: ("标题", "主题", "事项标题"),
    ColumnKey.BODY: ("内容", "诉求内容", "具体内容", "反映内容", "事项内容"),
    ColumnKey.UNIT: ("承办单位", "责任单位", "办理单位", "承办部门"),
    ColumnKey.STATE: ("办理状态", "状态", "办结情况"),
    ColumnKey.CLOSED_AT: ("办结时间", "办结日期", "完成时间"),
    ColumnKey.SATISFACTION: ("满意度", "评价", "群众评价", "满意度评价"),
    ColumnKey.PRIVATE: ("是否公开", "公开"),
}

CHANNELS: dict[str, CaseChannel] = {
    "网上": CaseChannel.ONLINE,
    "网络": CaseChannel.ONLINE,
    "线上": CaseChannel.ONLINE,
    "线上说事": CaseChannel.ONLINE,
    "现场": CaseChannel.VENUE,
    "说事场所": CaseChannel.VENUE,
    "议事场所": CaseChannel.VENUE,
    "来访": CaseChannel.VENUE,
    "代录": CaseChannel.COLLECTOR,
    "网格员": CaseChannel.COLLECTOR,
    "民情收集员": CaseChannel.COLLECTOR,
    "网格员代录": CaseChannel.COLLECTOR,
    "网络问政": CaseChannel.ONLINE_INQUIRY,
    "会议": CaseChannel.MEETING,
    "12345": CaseChannel.HOTLINE,
    "热线": CaseChannel.HOTLINE,
    "12345热线": CaseChannel.HOTLINE,
    "台账导入": CaseChannel.IMPORT,
    "导入": CaseChannel.IMPORT,
}
KINDS: dict[str, CaseKind] = {
    "咨询": CaseKind.CONSULTATION,
    "建议": CaseKind.SUGGESTION,
    "金点子": CaseKind.SUGGESTION,
    "人民建议": CaseKind.SUGGESTION,
    "诉求": CaseKind.DEMAND,
    "投诉": CaseKind.DEMAND,
    "求助": CaseKind.DEMAND,
}
STATES: dict[str, CaseState] = {
    "已受理": CaseState.RECEIVED,
    "待处理": CaseState.RECEIVED,
    "受理": CaseState.RECEIVED,
    "已派单": CaseState.DISPATCHED,
    "待签收": CaseState.DISPATCHED,
    "办理中": CaseState.IN_PROGRESS,
    "处理中": CaseState.IN_PROGRESS,
    "已答复": CaseState.ANSWERED,
    "待评价": CaseState.ANSWERED,
    "已办结": CaseState.CLOSED,
    "办结": CaseState.CLOSED,
    "已完成": CaseState.CLOSED,
    "已解决": CaseState.CLOSED,
}
SATISFACTIONS: dict[str, Satisfaction] = {
    "满意": Satisfaction.SATISFIED,
    "非常满意": Satisfaction.SATISFIED,
    "基本满意": Satisfaction.BASICALLY_SATISFIED,
    "比较满意": Satisfaction.BASICALLY_SATISFIED,
    "不满意": Satisfaction.DISSATISFIED,
}
YES_NO = {"是": True, "公开": True, "否": False, "不公开": False, "点对点": False}

_PHONE = re.compile(r"^(\+?86)?(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8}|12345)$")
_DATE_PATTERNS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M",
    "%Y年%m月%d日",
)


class LedgerError(Exception):
    """The file as a whole cannot be read (not .xlsx/.csv, no header, too many rows)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowProblem:
    """Why a row was rejected: the column (its header as in the file, or the canonical
    name when the column is missing) and the reason, in Chinese."""

    column: str
    reason: str


@dataclass
class LedgerRow:
    """One ledger row, checked: what a case is made of. Units and places are names here;
    they are looked up in the county's tree when the row is written."""

    line: int
    received_at: datetime
    channel: CaseChannel
    kind: CaseKind
    title: str
    body: str
    contact_name: str | None
    contact_phone: str | None
    place_name: str | None
    unit_name: str | None
    state: CaseState
    closed_at: datetime | None
    satisfaction: Satisfaction | None
    is_private: bool
    number: str | None
    headers: dict[ColumnKey, str] = field(default_factory=dict)

    @property
    def client_key(self) -> str:
        """The row's idempotency key (≤ 80 characters)."""
        if self.number:
            return f"ledger:no:{self.number}"[:80]
        return "ledger:" + self.content_digest[:40]

    @property
    def content_digest(self) -> str:
        """SHA-256 of what identifies the matter: when, who, where and what."""
        parts = [
            self.received_at.astimezone(UTC).isoformat(),
            self.contact_phone or "",
            self.place_name or "",
            self.title,
            self.body,
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def column(self, key: ColumnKey) -> str:
        return self.headers.get(key, key.value)


@dataclass
class RawLedger:
    """The cells of a ledger: its header row mapped to columns, then its data rows
    (`line` is the row number as a spreadsheet shows it, the header being line 1)."""

    headers: dict[ColumnKey, str]
    index: dict[ColumnKey, int]
    rows: list[tuple[int, list[Any]]]
    unknown_headers: list[str]


def read_ledger(file_name: str, data: bytes) -> RawLedger:
    """The cells of an .xlsx (first sheet) or .csv (UTF-8, with or without BOM, or GB18030)
    file. Raises LedgerError when the file cannot be read as a ledger at all."""
    lower = file_name.lower()
    if lower.endswith(".xlsx") or data[:2] == b"PK":
        grid = _xlsx_rows(data)
    elif lower.endswith(".csv") or lower.endswith(".txt"):
        grid = _csv_rows(data)
    else:
        raise LedgerError("只支持 .xlsx 或 .csv 格式的台账文件")
    header: list[Any] | None = None
    header_line = 0
    rows: list[tuple[int, list[Any]]] = []
    for line, cells in grid:
        if header is None:
            if any(_text(c) for c in cells):
                header, header_line = cells, line
            continue
        if not any(_text(c) for c in cells):
            continue  # a blank row between entries
        rows.append((line, cells))
        if len(rows) > MAX_ROWS:
            raise LedgerError(f"台账超过{MAX_ROWS}行，请分批导入")
    if header is None:
        raise LedgerError("台账为空：第一行应为列名（受理时间、标题、内容……）")
    headers: dict[ColumnKey, str] = {}
    index: dict[ColumnKey, int] = {}
    unknown: list[str] = []
    lookup = {alias: key for key, aliases in COLUMNS.items() for alias in aliases}
    for i, cell in enumerate(header):
        name = _text(cell).replace(" ", "").replace("（", "(").replace("）", ")")
        if not name:
            continue
        key = lookup.get(name)
        if key is None:
            unknown.append(name)
        elif key not in index:
            headers[key], index[key] = _text(cell), i
    if ColumnKey.TITLE not in index and ColumnKey.BODY not in index:
        raise LedgerError(f"第{header_line}行缺少“标题”或“内容”列，无法识别为台账")
    return RawLedger(headers=headers, index=index, rows=rows, unknown_headers=unknown)


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
        raise LedgerError("无法读取 .xlsx 文件（文件损坏或不是 Excel 工作簿）") from exc
    try:
        if not book.worksheets:
            raise LedgerError("台账为空：工作簿中没有工作表")
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        line = 0
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a damaged sheet inside a readable archive
                raise LedgerError(f".xlsx 文件第{line + 1}行无法读取（文件已损坏）") from exc
            line += 1
            yield line, list(row)
    finally:
        book.close()


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise LedgerError("无法识别 .csv 文件的编码（请使用 UTF-8）")
    if "\x00" in text:
        raise LedgerError(".csv 文件含有空字符（\\0），不是文本文件")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for line, row in enumerate(reader, start=1):
            yield line, list(row)
    except csv.Error as exc:
        raise LedgerError(f".csv 文件格式错误：{exc}") from exc


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _clean(value: str) -> str:
    """Text a PostgreSQL text column can hold: no NUL, no lone surrogates, no controls
    other than newlines and tabs."""
    return "".join(
        ch
        for ch in value
        if ch in "\n\t" or (ord(ch) >= 32 and not 0xD800 <= ord(ch) <= 0xDFFF and ch != "\x7f")
    )


def parse_time(value: Any, tz: ZoneInfo) -> datetime | None:
    """A cell as an aware datetime in the county's time zone; None if it is not a time."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime.combine(value, time(9, 0), tzinfo=tz)
    text = _text(value)
    if not text:
        return None
    if re.fullmatch(r"\d{5}(\.\d+)?", text):  # an Excel serial day number read as text
        days = float(text)
        return (datetime(1899, 12, 30) + timedelta(days=days)).replace(tzinfo=tz)
    for pattern in _DATE_PATTERNS:
        try:
            parsed = datetime.strptime(text, pattern)
        except ValueError:
            continue
        if "%H" not in pattern:
            parsed = parsed.replace(hour=9)
        return parsed.replace(tzinfo=tz)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def check_row(
    raw: RawLedger, line: int, cells: Sequence[Any], *, tz: ZoneInfo, now: datetime
) -> LedgerRow | list[RowProblem]:
    """One data row as a LedgerRow, or every problem found in it."""
    problems: list[RowProblem] = []

    def cell(key: ColumnKey) -> str:
        i = raw.index.get(key)
        if i is None or i >= len(cells):
            return ""
        return _clean(_text(cells[i]))

    def raw_cell(key: ColumnKey) -> Any:
        i = raw.index.get(key)
        return cells[i] if i is not None and i < len(cells) else None

    def problem(key: ColumnKey, reason: str) -> None:
        problems.append(RowProblem(column=raw.headers.get(key, key.value), reason=reason))

    received_at = parse_time(raw_cell(ColumnKey.RECEIVED_AT), tz)
    if ColumnKey.RECEIVED_AT not in raw.index or not cell(ColumnKey.RECEIVED_AT):
        problem(ColumnKey.RECEIVED_AT, "受理时间不能为空")
    elif received_at is None:
        problem(ColumnKey.RECEIVED_AT, f"无法识别的时间“{cell(ColumnKey.RECEIVED_AT)[:30]}”")
    elif received_at > now + timedelta(days=1):
        problem(ColumnKey.RECEIVED_AT, "受理时间晚于今天")
    elif received_at.year < 2000:
        problem(ColumnKey.RECEIVED_AT, "受理时间早于2000年")

    title, body = cell(ColumnKey.TITLE), cell(ColumnKey.BODY)
    if not title and not body:
        missing = ColumnKey.TITLE if ColumnKey.TITLE in raw.index else ColumnKey.BODY
        problem(missing, "标题和内容不能都为空")
    if len(title) > MAX_TITLE:
        problem(ColumnKey.TITLE, f"标题不能超过{MAX_TITLE}个字")
    if len(body) > MAX_BODY:
        problem(ColumnKey.BODY, f"内容不能超过{MAX_BODY}个字")
    if not title:
        title = body.splitlines()[0][:40] if body else ""
    if not body:
        body = title

    channel = CaseChannel.IMPORT
    if text := cell(ColumnKey.CHANNEL):
        found = CHANNELS.get(text.replace(" ", ""))
        if found is None:
            problem(
                ColumnKey.CHANNEL,
                f"未知的来源渠道“{text[:20]}”"
                "（可填：网上、现场、网格员代录、网络问政、会议、12345热线）",
            )
        else:
            channel = found

    kind = CaseKind.DEMAND
    if text := cell(ColumnKey.KIND):
        found_kind = KINDS.get(text.replace(" ", ""))
        if found_kind is None:
            problem(ColumnKey.KIND, f"未知的事项类型“{text[:20]}”（可填：咨询、建议、诉求）")
        else:
            kind = found_kind
    else:
        problem(ColumnKey.KIND, "事项类型不能为空（咨询、建议或诉求）")

    contact_name = cell(ColumnKey.CONTACT_NAME) or None
    if contact_name and len(contact_name) > 50:
        problem(ColumnKey.CONTACT_NAME, "诉求人姓名不能超过50个字")
    contact_phone = cell(ColumnKey.CONTACT_PHONE).replace(" ", "") or None
    if contact_phone and not _PHONE.fullmatch(contact_phone):
        problem(ColumnKey.CONTACT_PHONE, f"联系电话格式不正确“{contact_phone[:20]}”")

    state = CaseState.RECEIVED
    if text := cell(ColumnKey.STATE):
        found_state = STATES.get(text.replace(" ", ""))
        if found_state is None:
            problem(
                ColumnKey.STATE,
                f"未知的办理状态“{text[:20]}”（可填：已受理、办理中、已答复、已办结）",
            )
        else:
            state = found_state

    closed_at = parse_time(raw_cell(ColumnKey.CLOSED_AT), tz)
    if cell(ColumnKey.CLOSED_AT) and closed_at is None:
        problem(ColumnKey.CLOSED_AT, f"无法识别的时间“{cell(ColumnKey.CLOSED_AT)[:30]}”")
    if state is CaseState.CLOSED and closed_at is None and not cell(ColumnKey.CLOSED_AT):
        problem(ColumnKey.CLOSED_AT, "已办结的事项须填写办结时间")
    if closed_at is not None and state is not CaseState.CLOSED:
        if cell(ColumnKey.STATE):
            problem(ColumnKey.CLOSED_AT, "未办结的事项不能有办结时间")
        else:
            state = CaseState.CLOSED  # a closing time and no state: closed
    if closed_at is not None and received_at is not None and closed_at < received_at:
        problem(ColumnKey.CLOSED_AT, "办结时间早于受理时间")

    satisfaction = None
    if text := cell(ColumnKey.SATISFACTION):
        satisfaction = SATISFACTIONS.get(text.replace(" ", ""))
        if satisfaction is None:
            problem(
                ColumnKey.SATISFACTION,
                f"未知的满意度“{text[:20]}”（可填：满意、基本满意、不满意）",
            )
        elif state is not CaseState.CLOSED:
            problem(ColumnKey.SATISFACTION, "未办结的事项不能有满意度评价")

    is_private = False
    if text := cell(ColumnKey.PRIVATE):
        public = YES_NO.get(text)
        if public is None:
            problem(ColumnKey.PRIVATE, f"“是否公开”应填“是”或“否”，而不是“{text[:10]}”")
        else:
            is_private = not public

    place_name = cell(ColumnKey.PLACE) or None
    unit_name = cell(ColumnKey.UNIT) or None
    number = cell(ColumnKey.NUMBER) or None
    if number and len(number) > 60:
        problem(ColumnKey.NUMBER, "受理编号不能超过60个字符")

    if problems:
        return problems
    assert received_at is not None
    return LedgerRow(
        line=line,
        received_at=received_at,
        channel=channel,
        kind=kind,
        title=title,
        body=body,
        contact_name=contact_name,
        contact_phone=contact_phone,
        place_name=place_name,
        unit_name=unit_name,
        state=state,
        closed_at=closed_at,
        satisfaction=satisfaction,
        is_private=is_private,
        number=number,
        headers=raw.headers,
    )


# -- writing a ledger ------------------------------------------------------------------------


class RowStatus(enum.Enum):
    CREATED = "CREATED"  # a new case (or, in a dry run, one would be)
    DUPLICATE = "DUPLICATE"  # imported before (this file or an earlier one): nothing new
    REJECTED = "REJECTED"  # not imported: see its problems


@dataclass
class RowReport:
    line: int
    status: RowStatus
    case_id: int | None = None
    problems: list[RowProblem] = field(default_factory=list)


@dataclass
class LedgerReport:
    rows: list[RowReport]
    unknown_columns: list[str]

    def count(self, status: RowStatus) -> int:
        return sum(1 for r in self.rows if r.status is status)


#: Kinds of unit a matter's place (所属村社) may be.
PLACE_KINDS = ("VILLAGE", "COMMUNITY", "GRID", "TOWNSHIP", "SUBDISTRICT")


async def import_ledger(
    session: AsyncSession,
    principal: Principal,
    *,
    file_name: str,
    data: bytes,
    dry_run: bool = False,
    now: datetime | None = None,
) -> LedgerReport:
    """Import a ledger (county admins): each row becomes a case in a savepoint of its own
    (`channel` from 来源渠道, IMPORT when the ledger has none), or is reported DUPLICATE or
    REJECTED. `dry_run` checks every row and writes nothing. A file that is no ledger at all
    is a DomainError (field `fileName` or `contentBase64`)."""
    principal.require_county_admin()
    tenant_id = principal.require_tenant()
    try:
        raw = read_ledger(file_name, data)
    except LedgerError as exc:
        unsupported = exc.message.startswith("只支持")
        raise DomainError(
            CaseErrorCode.INVALID,
            exc.message,
            field="fileName" if unsupported else "contentBase64",
        ) from exc
    from backend.cases.statistics import county_timezone

    tz = await county_timezone(session)
    now = now or datetime.now(UTC)
    units = await _units_by_name(session)
    root_id = await session.scalar(
        select(OrgUnit.id).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.id).limit(1)
    )
    assert root_id is not None  # every county has its root unit
    checked: list[tuple[int, LedgerRow | list[RowProblem]]] = [
        (line, check_row(raw, line, cells, tz=tz, now=now)) for line, cells in raw.rows
    ]
    keys = [r.client_key for _, r in checked if isinstance(r, LedgerRow)]
    existing: dict[str, tuple[int, str | None]] = {}
    if keys:
        found = await session.execute(
            select(Case.client_key, Case.id, Case.content_digest).where(Case.client_key.in_(keys))
        )
        existing = {k: (i, d) for k, i, d in found if k is not None}
    if not dry_run:
        # One import at a time per county: two imports of one ledger at once would both
        # find its rows new.
        await session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext('cases.ledger_import'), :t)"),
            {"t": tenant_id % 2_147_483_647},
        )
    reports: list[RowReport] = []
    for line, result in checked:
        if not isinstance(result, LedgerRow):
            reports.append(RowReport(line=line, status=RowStatus.REJECTED, problems=result))
            continue
        row = result
        problems: list[RowProblem] = []
        unit_id = _lookup(units, row.unit_name, None, row, ColumnKey.UNIT, "承办单位", problems)
        place_id = _lookup(
            units, row.place_name, PLACE_KINDS, row, ColumnKey.PLACE, "村社", problems
        )
        seen = existing.get(row.client_key)
        if seen is not None and seen[1] not in (None, row.content_digest):
            problems.append(
                RowProblem(
                    column=row.column(ColumnKey.NUMBER),
                    reason=f"受理编号“{row.number}”已导入过，但内容与之前不同",
                )
            )
        if problems:
            reports.append(RowReport(line=line, status=RowStatus.REJECTED, problems=problems))
            continue
        if seen is not None:
            reports.append(RowReport(line=line, status=RowStatus.DUPLICATE, case_id=seen[0]))
            continue
        if dry_run:
            existing[row.client_key] = (0, row.content_digest)
            reports.append(RowReport(line=line, status=RowStatus.CREATED))
            continue
        async with session.begin_nested():
            case = await write_case(
                session,
                principal,
                tenant_id=tenant_id,
                number=await next_number(session, tenant_id, row.received_at.astimezone(tz).year),
                row=row,
                unit_id=unit_id or root_id,
                place_id=place_id,
            )
        existing[row.client_key] = (case.id, row.content_digest)
        reports.append(RowReport(line=line, status=RowStatus.CREATED, case_id=case.id))
    if dry_run:
        for r in reports:
            if r.status is RowStatus.DUPLICATE and r.case_id == 0:
                r.case_id = None
    return LedgerReport(rows=reports, unknown_columns=raw.unknown_headers)


async def _units_by_name(session: AsyncSession) -> dict[str, list[tuple[int, str]]]:
    rows = await session.execute(select(OrgUnit.name, OrgUnit.id, OrgUnit.kind))
    out: dict[str, list[tuple[int, str]]] = {}
    for name, unit_id, kind in rows:
        out.setdefault(name, []).append((unit_id, kind.value))
    return out


def _lookup(
    units: dict[str, list[tuple[int, str]]],
    name: str | None,
    kinds: tuple[str, ...] | None,
    row: LedgerRow,
    key: ColumnKey,
    noun: str,
    problems: list[RowProblem],
) -> int | None:
    if not name:
        return None
    found = [u for u, kind in units.get(name, []) if kinds is None or kind in kinds]
    if len(found) == 1:
        return found[0]
    reason = f"未找到{noun}“{name[:30]}”" if not found else f"有多个名为“{name[:30]}”的{noun}"
    problems.append(RowProblem(column=row.column(key), reason=reason))
    return None


async def write_case(
    session: AsyncSession,
    principal: Principal | None,
    *,
    tenant_id: int,
    number: str,
    row: LedgerRow,
    unit_id: int,
    place_id: int | None,
    client_key: str | None = None,
    adopted: bool = False,
) -> Case:
    """Insert a case as a ledger recorded it (any state, its own times), numbered and
    announced (`case.received`) as intake does (`backend.cases.intake`), but not through
    `raise_case`: a ledger's case is past intake (it may be closed and rated already), so
    neither the 议事内容清单 nor a deadline applies to it (`due_on` stays null, so it counts
    as on time: the ledger has no deadline to hold it to)."""
    case = Case(
        tenant_id=tenant_id,
        number=number,
        channel=row.channel,
        kind=row.kind,
        title=row.title,
        body=row.body,
        is_private=row.is_private,
        state=row.state,
        contact_name=row.contact_name,
        contact_phone=row.contact_phone,
        entered_by_user_id=principal.user_id if principal else None,
        place_unit_id=place_id,
        accountable_unit_id=unit_id,
        received_at=row.received_at,
        closed_at=row.closed_at,
        satisfaction=row.satisfaction,
        rated_at=row.closed_at if row.satisfaction else None,
        client_key=client_key or row.client_key,
        content_digest=row.content_digest,
        keywords=keywords(f"{row.title}\n{row.body}"),
        adopted=adopted,
    )
    session.add(case)
    await session.flush()
    await append_event(session, principal, case, CaseEvent.CASE_RECEIVED, received_snapshot(case))
    return case
