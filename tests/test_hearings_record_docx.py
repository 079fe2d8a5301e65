"""A hearing's record as a Word document (听证会记录), downloaded as a client does
(GET /hearings/<id>/record.docx): every section with the hearing's real values, the seal and
how to verify it; an unsealed record marked and for organisers only; another county's staff
and anonymous callers refused; no applicant's name, phone or statement in it."""

# ruff: noqa: F811  (the fixtures `sealing` and `tsa` of test_record_seal are parameters)

from __future__ import annotations

import io
import json
import re

import httpx
from docx import Document

from backend.record.seal import generate_key
from tests.factories.hearings import (
    CONFIRM,
    HEARING,
    REPORT,
    SET_TRANSCRIPT,
    drawn_hearing,
    ok,
    representatives,
)
from tests.factories.meetings import make_meeting
from tests.factories.tenants import db_id, make_county
from tests.test_hearings_transcript import INVITE_DRAWN, SEAL
from tests.test_record_seal import sealing, tsa, yishi  # noqa: F401

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TRANSCRIPT = "听证笔录：代表甲认为调价幅度过大；代表乙建议实行阶梯水价；代表丙要求对低保户减免。"
VIEWS = [
    {"summary": "实行阶梯水价", "adopted": True},
    {"summary": "暂缓调价一年", "adopted": False, "reason": "供水成本已倒挂三年"},
]
RECORD = "query($h: ID!) { hearingRecord(hearingId: $h) }"
CONCLUSION = "建议按阶梯水价方案调整，并对低保户减免。"


def document_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


async def download(server, hearing_id: str, headers: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as http:
        return await http.get(f"/hearings/{hearing_id}/record.docx", headers=headers)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def reported_hearing(server, gql, county):
    """A drawn hearing with a confirmed transcript, its representatives invited to the
    meeting that holds it, and its report (one view adopted, one not, with its reason)."""
    admin = county.admin.token
    scene = await drawn_hearing(server, gql, county)
    hearing = (await gql.data(HEARING, {"id": scene.id}, token=admin))["node"]
    reps = representatives(scene, hearing)
    set_ = (await ok(gql, SET_TRANSCRIPT, {"h": scene.id, "t": TRANSCRIPT}, admin))["hearing"]
    for rep in reps[:3]:
        await ok(gql, CONFIRM, {"h": scene.id, "s": set_["transcriptSha256"]}, rep.token)
    meeting = await make_meeting(gql, county, kind="HEARING", live=False)
    await ok(gql, INVITE_DRAWN, {"h": scene.id, "m": meeting}, admin)
    await ok(gql, REPORT, {"h": scene.id, "c": CONCLUSION, "v": VIEWS}, admin)
    return scene, hearing, reps, set_["transcriptSha256"], meeting


async def test_the_sealed_hearing_record_downloads_with_every_section_and_the_seal(
    server, gql, sealing
):
    # given a county with a signing key and a hearing taken to its report, then sealed
    county = await make_county(server)
    public = generate_key(sealing, county.slug)
    scene, hearing, _reps, sha, meeting = await reported_hearing(server, gql, county)
    sealed = (await ok(gql, SEAL, {"h": scene.id}, county.admin.token))["hearing"]

    # when an organiser downloads the record
    response = await download(server, scene.id, bearer(county.admin.token))

    # then it is a Word file named after the hearing
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == DOCX
    assert response.headers["content-disposition"].startswith("attachment; filename*=UTF-8''")
    text = document_text(response.content)
    lines = text.splitlines()
    assert lines[0] == "城区供水价格调整听证会记录"
    assert "本记录尚未封存" not in text
    # the notice: matter, place, how to apply, how seats are filled, seats and alternates
    for value in (hearing["matter"], hearing["place"], "公告之日起7日内登录议事平台报名"):
        assert value in text
    assert "代表产生方式 | 按类别分配名额；报名人数超过名额的，由公证处监督随机选取。" in lines
    assert "利害关系人 | 4 | 2" in lines
    assert "普通公众 | 3 | 1" in lines
    assert "专家学者/专业技术人员 | 3 | 0" in lines
    assert "合计 | 10 | 3" in lines
    # the draw's published inputs: algorithm and version, commitments, reveals, pool hash, seed
    assert f"抽选算法 | {hearing['algorithm']}（第{hearing['algorithmVersion']}版）" in lines
    assert f"报名名单哈希（SHA-256） | {hearing['poolHash']}" in lines
    assert f"随机种子 | {hearing['seed']}" in lines
    for w in hearing["witnesses"]:
        row = next(line for line in lines if w["commitment"] in line)
        assert row.startswith(f"{w['position']} | {w['name']} | {w['commitment']} | ")
        assert f" | {w['secret']} | " in row
    # every applicant by pool id with their probability and outcome, never by name
    outcome = {"SELECTED": "选中", "ALTERNATE": "候补", "NOT_SELECTED": "未选中"}
    for p in hearing["pool"]:
        row = next(line for line in lines if line.startswith(f"{p['poolId']} | "))
        assert row.split(" | ")[2:4] == [p["probability"], outcome[p["outcome"]]]
    selected = sorted(p["poolId"] for p in hearing["pool"] if p["outcome"] == "SELECTED")
    alternates = [
        p["poolId"]
        for p in sorted(
            (p for p in hearing["pool"] if p["outcome"] == "ALTERNATE"),
            key=lambda p: (p["category"], p["alternateRank"]),
        )
    ]
    results = next(line for line in lines if line.startswith("利害关系人 | 6 | 4 | 2/3 | "))
    assert len(selected) == 8 and len(alternates) == 2
    for pool_id in selected + alternates:
        assert pool_id in text
    assert results.count("、") == 3 + 1  # four representatives, two alternates of the category
    # attendance: who was invited to the meeting that holds the hearing
    assert f"（会议编号 {db_id(meeting)}）：{'、'.join(selected)}。" in text
    # the transcript, its hash, and who confirmed it (by pool id and the hash they read)
    assert TRANSCRIPT in text
    assert f"笔录哈希（SHA-256）：{sha}" in text
    confirmation_rows = [line for line in lines if f" | 1 | {sha} | " in line]
    assert len(confirmation_rows) == 3
    assert {row.split(" | ")[0] for row in confirmation_rows} <= set(selected)
    unconfirmed = sorted(set(selected) - {row.split(" | ")[0] for row in confirmation_rows})
    assert f"未确认现行版本的代表：{'、'.join(unconfirmed)}" in lines
    # the report: adopted and not adopted, with the reason
    assert CONCLUSION in text
    assert "共2条意见：采纳1条，不予采纳1条。" in lines
    assert "1 | 实行阶梯水价 | " in lines
    assert "2 | 暂缓调价一年 | 供水成本已倒挂三年" in lines
    # the seal: head hash, signature, key id, how to verify, and the verdict
    assert f"记录链哈希：{sealed['sealedHash']}" in lines
    assert f"封存哈希：{sealed['sealedHash']}" in lines
    assert f"县级签名公钥指纹（SM3）：{public.key_id}" in lines
    assert any(line.startswith("封存签名：") and len(line) > 60 for line in lines)
    assert "yishi record verify-export 听证记录.json --public-key 县公钥.pem" in text
    assert f"--stream hearing:{scene.db_id} --public-key 县公钥.pem" in text
    assert (
        "校验结果：通过（共26条事件，哈希链完整，与封存哈希一致，各部分内容与封存时一致）" in lines
    )
    # no personal data: applicants' names, phones and statements stay out
    for person in scene.applicants.values():
        assert person.phone not in text
    # the factory names each applicant 报名人<category><n> and has them write 我是<category>类报名人<n>
    assert re.search(r"报名人(STAKEHOLDER|PUBLIC|EXPERT)\d", text) is None
    assert re.search(r"我是\w+类报名人", text) is None
    assert re.search(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])", text) is None  # no mobile


async def test_an_unsealed_record_is_marked_and_for_organisers_only_until_sealed(
    server, gql, owner_db
):
    county = await make_county(server)
    other = await make_county(server)
    scene, _hearing, reps, _sha, _meeting = await reported_hearing(server, gql, county)
    citizen = reps[0]

    # before sealing: the organiser's copy says it is not sealed; everyone else is refused
    draft = await download(server, scene.id, bearer(county.admin.token))
    refused_citizen = await download(server, scene.id, bearer(citizen.token))
    anonymous = await download(server, scene.id, {"X-Tenant": county.slug})
    foreign = await download(server, scene.id, bearer(other.admin.token))

    assert draft.status_code == 200
    text = document_text(draft.content)
    assert "本记录尚未封存" in text
    assert "封存哈希" not in text
    assert "校验结果：通过（共25条事件，哈希链完整）" in text.splitlines()
    assert (refused_citizen.status_code, refused_citizen.json()["error"]["code"]) == (
        403,
        "FORBIDDEN",
    )
    assert (anonymous.status_code, anonymous.json()["error"]["code"]) == (401, "UNAUTHENTICATED")
    assert (foreign.status_code, foreign.json()["error"]["code"]) == (404, "NOT_FOUND")
    early = await gql.execute(RECORD, {"h": scene.id}, token=citizen.token)
    assert early["data"] is None and early["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    # once sealed: the county's members may read it; anonymous and other counties still not
    sealed = (await ok(gql, SEAL, {"h": scene.id}, county.admin.token))["hearing"]
    public = await download(server, scene.id, bearer(citizen.token))
    anonymous = await download(server, scene.id, {"X-Tenant": county.slug})
    foreign = await download(server, scene.id, bearer(other.admin.token))
    malformed = await download(server, "not-an-id", bearer(county.admin.token))

    assert public.status_code == 200
    public_text = document_text(public.content)
    assert f"封存哈希：{sealed['sealedHash']}" in public_text
    assert "封存签名：无（本县未配置签名密钥）" in public_text
    assert "本记录尚未封存" not in public_text
    assert anonymous.status_code == 401
    assert (foreign.status_code, foreign.json()["error"]["code"]) == (404, "NOT_FOUND")
    assert malformed.status_code == 404
    json_record = (await gql.data(RECORD, {"h": scene.id}, token=citizen.token))["hearingRecord"]
    assert json_record["chain"]["sealed_hash"] == sealed["sealedHash"]
    assert {e["actor_user_id"] for e in json_record["events"]} == {None}  # as the stream shows

    # whoever holds the database rewrites the report: the document names the section
    await owner_db.execute(
        "UPDATE hearing_views SET adopted = true, reason = NULL WHERE hearing_id = $1",
        scene.db_id,
    )
    tampered = document_text((await download(server, scene.id, bearer(county.admin.token))).content)
    verdict = next(line for line in tampered.splitlines() if line.startswith("校验结果："))
    assert verdict.startswith("校验结果：未通过（")
    assert "记录内容与封存时不一致：听证报告" in verdict


async def test_the_json_record_verifies_from_the_export_alone_as_the_document_says(
    server, gql, sealing, tmp_path
):
    # given a sealed, signed hearing record exported as JSON by an organiser
    county = await make_county(server)
    other = await make_county(server)
    public = generate_key(sealing, county.slug)
    (tmp_path / "county.pem").write_text(public.pem())
    scene, *_ = await reported_hearing(server, gql, county)
    sealed = (await ok(gql, SEAL, {"h": scene.id}, county.admin.token))["hearing"]
    record = (await gql.data(RECORD, {"h": scene.id}, token=county.admin.token))["hearingRecord"]
    (tmp_path / "record.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")

    # when it is verified with nothing but itself and the county's public key
    done = yishi(
        "record", "verify-export", str(tmp_path / "record.json"),
        "--public-key", str(tmp_path / "county.pem"), "--expect", sealed["sealedHash"],
    )  # fmt: skip

    # then every check holds; anonymous callers and other counties get no record
    assert done.returncode == 0, done.stdout + done.stderr
    assert "内容 content: OK every section matches the sealed digests" in done.stdout
    assert done.stdout.strip().endswith("OK")
    assert record["chain"]["sealed_hash"] == sealed["sealedHash"]
    # the chain section as hearings have always exported it (backend.hearings.record.CHAIN_OMITS)
    assert list(record["chain"]) == [
        "stream", "hash_version", "valid", "events", "head_hash", "sealed_hash",
        "sealed_hash_matches", "content_matches", "content_differs", "seal_problems",
    ]  # fmt: skip
    anonymous = await gql.execute(RECORD, {"h": scene.id}, tenant=county.slug)
    foreign = await gql.execute(RECORD, {"h": scene.id}, token=other.admin.token)
    assert anonymous["data"] is None
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert foreign["data"] is None
    assert foreign["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
