"""The consultation record export: what the JSON holds (and never holds), the hash chain
it carries, and the Word document a county office reads."""

from __future__ import annotations

import copy
import io
import itertools
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import docx
import pytest

from backend.core.errors import DomainError
from backend.meetings.models import (
    AgendaItem,
    Comment,
    CommentKind,
    Eligibility,
    Meeting,
    MeetingKind,
    MeetingMode,
    MeetingState,
    Participant,
    ParticipantRole,
    Poll,
    PollKind,
    PollState,
    ScoringBallot,
    ScoringReceipt,
    ScoringScale,
    ScoringSheet,
    ScoringState,
    SpeakingRequest,
    SpeakingState,
    TimerStatus,
)
from backend.meetings.record import docx as record_docx
from backend.meetings.record.build import FORMAT, build_record
from backend.meetings.record.docx import KIND_LABELS, render_docx
from realtime.log import EventDraft, append
from tenants.models import VenueLevel
from tests.conftest import LiveServer
from tests.factories.people import make_user
from tests.factories.tenants import Account, County, make_county, make_venue

HIDDEN_BODY = "这条留言含有对发言人的人身攻击"
HIDDEN_REASON = "含人身攻击内容"
SECRET_ANSWER = "不满意-唯一标记"


@dataclass
class Given:
    county: County
    meeting_id: int
    speaker: Account
    citizen: Account
    bystander: Account
    ballot_id: uuid.UUID
    final_hash: str


async def make_meeting_with_record(server: LiveServer) -> Given:
    """A sealed 述职报告会 with one of everything, and events on its stream."""
    county = await make_county(server, name="记录县")
    venue_id = await make_venue(
        server, county, unit_id=county.root_id, level=VenueLevel.CENTER, name="县级说事中心"
    )
    speaker = await make_user(server, county, name="王局长")
    citizen = await make_user(server, county, name="李群众")
    bystander = await make_user(server, county, name="赵代表")
    starts = datetime(2025, 12, 13, 1, 30, tzinfo=UTC)  # 09:30 in Beijing
    async with server.services.db.transaction(tenant_id=county.id) as s:
        meeting = Meeting(
            tenant_id=county.id,
            kind=MeetingKind.WORK_REPORT,
            mode=MeetingMode.HYBRID,
            state=MeetingState.CLOSED,
            title="2025年度县直部门述职报告会",
            host_unit_id=county.root_id,
            venue_id=venue_id,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            created_by=county.admin.user_id,
            minutes="一、县交通局述职。\n二、群众代表提问并现场答复。",
        )
        s.add(meeting)
        await s.flush()
        mid = meeting.id
        closed_sheet = ScoringSheet(
            tenant_id=county.id,
            meeting_id=mid,
            title="部门工作满意度测评",
            scale=ScoringScale.SATISFACTION,
            targets=["县交通局"],
            eligibility=Eligibility.ATTENDEES,
            state=ScoringState.CLOSED,
            results={
                "ballots": 3,
                "targets": [
                    {
                        "target": "县交通局",
                        "ballots": 3,
                        "satisfactionRate": 0.6667,
                        "counts": {"满意": 1, "基本满意": 1, "不满意": 1},
                    }
                ],
            },
            closed_at=starts + timedelta(minutes=90),
        )
        s.add_all(
            [
                Participant(
                    tenant_id=county.id,
                    meeting_id=mid,
                    user_id=speaker.user_id,
                    role=ParticipantRole.SPEAKER,
                    invited=True,
                    checked_in_at=starts,
                    check_in_mode="IN_PERSON",
                ),
                Participant(
                    tenant_id=county.id,
                    meeting_id=mid,
                    user_id=citizen.user_id,
                    role=ParticipantRole.ATTENDEE,
                    checked_in_at=starts,
                    check_in_mode="ONLINE",
                ),
                Participant(
                    tenant_id=county.id,
                    meeting_id=mid,
                    user_id=bystander.user_id,
                    role=ParticipantRole.REPRESENTATIVE,
                    invited=True,
                ),
                AgendaItem(
                    tenant_id=county.id,
                    meeting_id=mid,
                    position=1,
                    title="县交通局述职",
                    speaker_user_id=speaker.user_id,
                    duration_seconds=600,
                    timer_status=TimerStatus.STOPPED,
                ),
                Poll(
                    tenant_id=county.id,
                    meeting_id=mid,
                    question="是否同意将公交线路延伸至新区？",
                    kind=PollKind.SINGLE,
                    options=["同意", "不同意", "弃权"],
                    max_choices=1,
                    eligibility=Eligibility.ATTENDEES,
                    state=PollState.CLOSED,
                    counts=[5, 2, 1],
                    total_votes=8,
                    opened_at=starts,
                    closed_at=starts + timedelta(minutes=5),
                ),
                closed_sheet,
                ScoringSheet(
                    tenant_id=county.id,
                    meeting_id=mid,
                    title="未结束的测评",
                    scale=ScoringScale.SCORE_100,
                    targets=["县教育局"],
                    eligibility=Eligibility.ATTENDEES,
                    state=ScoringState.OPEN,
                    results={"ballots": 1, "targets": [{"target": "县教育局", "average": 42}]},
                ),
                Comment(
                    tenant_id=county.id,
                    meeting_id=mid,
                    author_user_id=citizen.user_id,
                    kind=CommentKind.QUESTION,
                    body="新区公交什么时候开通？",
                    answered_live_at=starts + timedelta(minutes=30),
                ),
                Comment(
                    tenant_id=county.id,
                    meeting_id=mid,
                    author_user_id=citizen.user_id,
                    kind=CommentKind.COMMENT,
                    body=HIDDEN_BODY,
                    hidden_at=starts + timedelta(minutes=31),
                    hidden_reason=HIDDEN_REASON,
                    hidden_by=county.admin.user_id,
                ),
                SpeakingRequest(
                    tenant_id=county.id,
                    meeting_id=mid,
                    user_id=citizen.user_id,
                    state=SpeakingState.DONE,
                    topic="公交线路",
                ),
            ]
        )
        await s.flush()
        ballot = ScoringBallot(
            tenant_id=county.id, sheet_id=closed_sheet.id, answers=[SECRET_ANSWER]
        )
        s.add_all(
            [
                ballot,
                ScoringReceipt(
                    tenant_id=county.id, sheet_id=closed_sheet.id, user_id=bystander.user_id
                ),
            ]
        )
        await s.flush()
        logged = await append(
            s,
            tenant_id=county.id,
            stream=f"meeting:{mid}",
            drafts=[
                EventDraft(
                    "meeting.created", {"id": mid, "title": meeting.title}, county.admin.user_id
                ),
                EventDraft("comment.posted", {"id": 1, "body": HIDDEN_BODY}, citizen.user_id),
                EventDraft(
                    "comment.hidden", {"id": 1, "reason": HIDDEN_REASON}, county.admin.user_id
                ),
                EventDraft("poll.closed", {"counts": [5, 2, 1]}, county.admin.user_id),
                EventDraft("record.sealed", {"events": 5}, county.admin.user_id),
            ],
        )
        meeting.sealed_hash, meeting.sealed_at = logged[-1].hash, logged[-1].created_at
    return Given(
        county=county,
        meeting_id=mid,
        speaker=speaker,
        citizen=citizen,
        bystander=bystander,
        ballot_id=ballot.id,
        final_hash=logged[-1].hash,
    )


async def export(server: LiveServer, given: Given) -> dict:
    async with server.services.db.transaction(tenant_id=given.county.id, read_only=True) as s:
        return await build_record(s, given.meeting_id)


def document_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


# -- the JSON record -----------------------------------------------------------------------


async def test_record_has_format_meeting_and_sections(server: LiveServer):
    given = await make_meeting_with_record(server)

    record = await export(server, given)

    assert record["format"] == FORMAT == "yishi.consultation-record/1"
    assert record["meeting"]["title"] == "2025年度县直部门述职报告会"
    assert record["meeting"]["kind"] == "WORK_REPORT"
    assert record["meeting"]["venue"]["name"] == "县级说事中心"
    assert record["meeting"]["host_unit"]["id"] == given.county.root_id
    assert record["county"]["timezone"] == "Asia/Shanghai"
    assert [a["speaker_name"] for a in record["agenda"]] == ["王局长"]
    assert record["minutes"]["text"].startswith("一、县交通局述职。")
    assert [r["state"] for r in record["speaking_requests"]] == ["DONE"]
    json.dumps(record)  # serialisable as it is


async def test_attendance_counts_by_role_and_names_only_speakers(server: LiveServer):
    given = await make_meeting_with_record(server)

    record = await export(server, given)

    attendance = record["attendance"]
    assert (attendance["registered"], attendance["checked_in"], attendance["invited"]) == (3, 2, 2)
    assert attendance["by_role"]["SPEAKER"] == {"registered": 1, "checked_in": 1}
    assert attendance["by_role"]["ATTENDEE"] == {"registered": 1, "checked_in": 1}
    assert attendance["by_role"]["REPRESENTATIVE"] == {"registered": 1, "checked_in": 0}
    assert attendance["by_check_in_mode"] == {"IN_PERSON": 1, "ONLINE": 1}
    assert attendance["speakers"] == [{"user_id": given.speaker.user_id, "name": "王局长"}]
    # The representative neither spoke nor commented: their name is nowhere in the record.
    assert "赵代表" not in json.dumps(record, ensure_ascii=False)


async def test_no_phone_number_anywhere_in_the_record(server: LiveServer):
    given = await make_meeting_with_record(server)

    text = json.dumps(await export(server, given), ensure_ascii=False)

    for account in (given.speaker, given.citizen, given.bystander, given.county.admin):
        assert account.phone not in text
    assert "+86" not in text and "phone" not in text


async def test_polls_carry_final_counts(server: LiveServer):
    given = await make_meeting_with_record(server)

    (poll,) = (await export(server, given))["polls"]

    assert poll["options"] == ["同意", "不同意", "弃权"]
    assert (poll["counts"], poll["total_votes"], poll["final"]) == ([5, 2, 1], 8, True)


async def test_scoring_exports_published_results_only_and_never_ballots(server: LiveServer):
    given = await make_meeting_with_record(server)

    record = await export(server, given)

    closed, still_open = record["scoring"]
    assert closed["published"] is True
    assert closed["results"]["targets"][0]["counts"] == {"满意": 1, "基本满意": 1, "不满意": 1}
    assert (still_open["published"], still_open["results"]) == (False, None)
    text = json.dumps(record, ensure_ascii=False)
    assert SECRET_ANSWER not in text and str(given.ballot_id) not in text
    assert "receipt" not in text and "ballot_id" not in text


async def test_hidden_comments_keep_text_and_reason(server: LiveServer):
    given = await make_meeting_with_record(server)

    comments = (await export(server, given))["comments"]

    hidden = [c for c in comments if c["hidden"]]
    assert [(c["body"], c["hidden_reason"]) for c in hidden] == [(HIDDEN_BODY, HIDDEN_REASON)]
    assert hidden[0]["hidden_by"] == given.county.admin.user_id
    visible = [c for c in comments if not c["hidden"]]
    assert visible[0]["kind"] == "QUESTION" and visible[0]["answered_live_at"] is not None


async def test_events_are_the_verified_chain_in_order(server: LiveServer):
    given = await make_meeting_with_record(server)

    record = await export(server, given)

    events, chain = record["events"], record["chain"]
    assert [e["seq"] for e in events] == [1, 2, 3, 4, 5]
    assert [e["type"] for e in events][-1] == "record.sealed"
    assert events[0]["prev_hash"] == "0" * 64
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(events))
    assert events[1]["actor_user_id"] == given.citizen.user_id
    assert datetime.fromisoformat(events[0]["at"]).tzinfo is not None
    assert chain["valid"] is True and chain["events"] == 5
    assert chain["head_hash"] == events[-1]["hash"] == chain["sealed_hash"] == given.final_hash
    assert chain["sealed_hash_matches"] is True and chain["sealed_at"] is not None


async def test_another_countys_meeting_is_not_found(server: LiveServer):
    given = await make_meeting_with_record(server)
    other = await make_county(server, name="邻县")

    async with server.services.db.transaction(tenant_id=other.id, read_only=True) as s:
        with pytest.raises(DomainError) as exc:
            await build_record(s, given.meeting_id)

    assert exc.value.code.value == "NOT_FOUND"


# -- the Word document ---------------------------------------------------------------------


async def test_docx_opens_and_has_title_sections_and_full_chain_hash(server: LiveServer):
    given = await make_meeting_with_record(server)
    record = await export(server, given)

    text = document_text(render_docx(record))

    assert "2025年度县直部门述职报告会协商记录" in text
    assert KIND_LABELS[MeetingKind.WORK_REPORT] == "述职报告会" and "述职报告会" in text
    assert "2025年12月13日 09:30" in text  # county time, not UTC
    assert "县级说事中心" in text and "已结束" in text
    for heading in (
        "一、议程",
        "二、出席情况",
        "三、表决结果",
        "四、测评结果",
        "五、互动留言",
        "六、会议纪要",
        "七、事件记录",
        "八、记录校验",
    ):
        assert heading in text  # no materials: that section is left out and not numbered
    assert "王局长" in text and "县交通局述职" in text
    assert "是否同意将公交线路延伸至新区？" in text and "62.5%" in text
    assert "66.7%" in text and "测评尚未结束，结果未公布。" in text
    assert HIDDEN_BODY in text and f"已屏蔽（理由：{HIDDEN_REASON}）" in text
    assert "二、群众代表提问并现场答复。" in text
    assert given.final_hash[:12] in text
    assert f"记录链哈希：{given.final_hash}" in text
    assert "校验结果：通过（共5条事件，哈希链完整，与封存哈希一致）" in text


async def test_docx_reports_a_broken_chain(server: LiveServer):
    given = await make_meeting_with_record(server)
    record = copy.deepcopy(await export(server, given))
    record["chain"].update(
        valid=False, first_broken_seq=3, reason="事件内容与哈希不符（记录被改动）"
    )

    text = document_text(render_docx(record))

    assert "校验结果：未通过（自第3条事件起：事件内容与哈希不符（记录被改动））" in text


def test_every_enum_value_has_a_chinese_label():
    pairs = [
        (record_docx.KIND_LABELS, MeetingKind),
        (record_docx.MODE_LABELS, MeetingMode),
        (record_docx.STATE_LABELS, MeetingState),
        (record_docx.ROLE_LABELS, ParticipantRole),
        (record_docx.TIMER_LABELS, TimerStatus),
        (record_docx.POLL_KIND_LABELS, PollKind),
        (record_docx.POLL_STATE_LABELS, PollState),
        (record_docx.ELIGIBILITY_LABELS, Eligibility),
        (record_docx.SCALE_LABELS, ScoringScale),
        (record_docx.SCORING_STATE_LABELS, ScoringState),
        (record_docx.COMMENT_KIND_LABELS, CommentKind),
        (record_docx.SPEAKING_STATE_LABELS, SpeakingState),
    ]
    for labels, enum_cls in pairs:
        assert set(labels) == set(enum_cls), enum_cls


def test_minimal_record_renders_with_empty_sections_and_county_time():
    record = {
        "format": FORMAT,
        "county": {"timezone": "Asia/Urumqi"},
        "meeting": {
            "title": "村民议事会<试行>",
            "kind": "FORUM",
            "mode": "ONLINE",
            "state": "DRAFT",
            "starts_at": "2026-01-05T04:00:00+00:00",
        },
        "events": [],
        "chain": {"valid": True, "events": 0, "head_hash": "0" * 64},
    }

    text = document_text(render_docx(record))

    assert "村民议事会<试行>协商记录" in text and "座谈会" in text and "草稿" in text
    assert "2026年1月5日 10:00" in text  # UTC+6
    assert "（无议程）" in text and "（无表决）" in text and "（无留言）" in text
    assert f"记录链哈希：{'0' * 64}" in text
    assert "校验结果：通过（共0条事件，哈希链完整）" in text


async def test_docx_is_tagged_chinese_for_latin_and_east_asian_text(server: LiveServer):
    # given: a record's document, read as Word reads its styles part
    import io
    import zipfile

    given = await make_meeting_with_record(server)
    data = render_docx(await export(server, given))

    # when
    styles = zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml").decode()

    # then: the default language is zh-CN, not python-docx's en-US
    defaults = styles[styles.index("<w:docDefaults>") : styles.index("</w:docDefaults>")]
    assert '<w:lang w:val="zh-CN"' in defaults and 'w:eastAsia="zh-CN"' in defaults
    assert "en-US" not in defaults
