"""Attachments uploaded the standard way: the GraphQL multipart request spec (a real
multipart request over HTTP, as apollo-upload-client sends it), with its own body limit
derived from the county rules; stored in chunks with the upload's SHA-256; read back
through GET /cases/attachments/{id} by those who see the case's attachments only."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import AsyncIterator
from typing import Any

from tests.cases_world import make_world
from tests.conftest import county_rows
from tests.factories.cases import key, online
from tests.factories.tenants import db_id, make_county

UPLOAD = """
mutation($input: RaiseCaseInput!) {
  raiseCase(input: $input) {
    number
    case { id attachments { id fileName contentType sizeBytes sha256 downloadUrl } }
    errors { field code message }
  }
}"""
PREFLIGHT = {"Apollo-Require-Preflight": "true"}


async def multipart(
    gql: Any,
    input: dict[str, Any],
    files: list[tuple[str, bytes, str]],
    *,
    token: str | None = None,
    tenant: str | None = None,
    preflight: bool = True,
) -> Any:
    """raiseCase with `files` as the input's attachments, one multipart part each."""
    attachments = [{"file": None} for _ in files]
    operations = {"query": UPLOAD, "variables": {"input": {**input, "attachments": attachments}}}
    mapping = {str(i): [f"variables.input.attachments.{i}.file"] for i in range(len(files))}
    headers = dict(PREFLIGHT if preflight else {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if tenant:
        headers["X-Tenant"] = tenant
    return await gql.http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps(mapping)},
        files={str(i): f for i, f in enumerate(files)},
        headers=headers,
    )


async def test_a_three_mib_photo_is_uploaded_stored_in_chunks_and_downloaded(server, gql, owner_db):
    w = await make_world(server)
    photo = b"\xff\xd8\xff\xe0" + os.urandom(3 * 1024 * 1024)
    response = await multipart(
        gql, online(), [("路灯现场.jpg", photo, "image/jpeg")], token=w.citizen.token
    )
    assert response.status_code == 200, response.text
    payload = response.json()["data"]["raiseCase"]
    assert payload["errors"] == []
    (attachment,) = payload["case"]["attachments"]
    digest = hashlib.sha256(photo).hexdigest()
    assert (attachment["fileName"], attachment["contentType"]) == ("路灯现场.jpg", "image/jpeg")
    assert (attachment["sizeBytes"], attachment["sha256"]) == (len(photo), digest)
    stored = await owner_db.fetchrow(
        "SELECT count(*) AS chunks, string_agg(data, ''::bytea ORDER BY seq) AS content "
        "FROM case_attachment_chunks WHERE tenant_id = $1 AND attachment_id = $2",
        w.county.id,
        db_id(attachment["id"]),
    )
    assert stored["chunks"] == 13  # 3 MiB + 4 bytes in pieces of 256 KiB
    assert hashlib.sha256(stored["content"]).hexdigest() == digest

    url = attachment["downloadUrl"]
    for allowed in (w.citizen.token, w.admin.token):  # the submitter, the county office
        got = await gql.http.get(url, headers={"Authorization": f"Bearer {allowed}"})
        assert got.status_code == 200
        assert hashlib.sha256(got.content).hexdigest() == digest
        assert got.headers["x-content-sha256"] == digest
        assert got.headers["content-type"] == "image/jpeg"
    other = await make_county(server)
    for denied in (
        {"Authorization": f"Bearer {w.other_citizen.token}"},  # another citizen
        {"Authorization": f"Bearer {w.department_staff.token}"},  # a unit not concerned
        {"X-Tenant": w.county.slug},  # the public
        {"Authorization": f"Bearer {other.admin.token}"},  # another county's office
    ):
        got = await gql.http.get(url, headers=denied)
        assert got.status_code == 404, denied
        assert got.json()["error"]["code"] == "NOT_FOUND"


async def test_a_replayed_upload_makes_the_case_once_and_other_content_is_a_conflict(
    server, gql, owner_db
):
    w = await make_world(server)
    client_key = key()
    photo = os.urandom(800 * 1024)  # above what base64 in a 1 MiB JSON body can carry
    first = await multipart(
        gql, online(clientKey=client_key), [("a.png", photo, "image/png")], token=w.citizen.token
    )
    number = first.json()["data"]["raiseCase"]["number"]
    before = await county_rows(owner_db, w.county.id)
    again = await multipart(
        gql, online(clientKey=client_key), [("a.png", photo, "image/png")], token=w.citizen.token
    )
    assert again.json()["data"]["raiseCase"]["number"] == number
    other = await multipart(
        gql,
        online(clientKey=client_key),
        [("a.png", os.urandom(800 * 1024), "image/png")],
        token=w.citizen.token,
    )
    (error,) = other.json()["data"]["raiseCase"]["errors"]
    assert (error["field"], error["code"]) == ("clientKey", "IDEMPOTENCY_CONFLICT")
    assert await county_rows(owner_db, w.county.id) == before


async def test_a_file_over_the_county_cap_is_a_typed_error_and_writes_nothing(
    server, gql, owner_db
):
    w = await make_world(server)
    await owner_db.execute(
        "UPDATE tenants SET settings = $2 WHERE id = $1",
        w.county.id,
        json.dumps({"rules": {"case.attachment_max_size": {"value": 1024, "source": "测试"}}}),
    )
    before = await county_rows(owner_db, w.county.id)
    response = await multipart(
        gql,
        online(),
        [
            ("说明.txt", "说明".encode(), "text/plain"),
            ("录像.mp4", b"0" * (1024 * 1024 + 1), "video/mp4"),
        ],
        token=w.citizen.token,
    )
    (error,) = response.json()["data"]["raiseCase"]["errors"]
    assert (error["field"], error["code"]) == ("attachments.1", "ATTACHMENT_TOO_LARGE")
    assert "1024KiB" in error["message"]
    assert await county_rows(owner_db, w.county.id) == before


async def test_a_multipart_request_without_the_preflight_header_is_refused(server, gql, owner_db):
    w = await make_world(server)
    before = await county_rows(owner_db, w.county.id)
    response = await multipart(
        gql, online(), [("a.txt", b"abc", "text/plain")], token=w.citizen.token, preflight=False
    )
    assert response.status_code == 400
    assert "Apollo-Require-Preflight" in response.json()["errors"][0]["message"]
    assert await county_rows(owner_db, w.county.id) == before


async def test_a_body_above_the_multipart_cap_is_refused_before_parsing(server, gql, owner_db):
    w = await make_world(server)
    cap = await server.app.state.upload_limit.bytes()
    # 5 files of the largest county cap (10 MiB by default) and 1 MiB for the form
    assert cap == min(
        server.services.settings.max_upload_body_bytes, 5 * 10 * 1024 * 1024 + 1024 * 1024
    )
    before = await county_rows(owner_db, w.county.id)
    boundary = "yishi-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n'
        + json.dumps(
            {"query": UPLOAD, "variables": {"input": {**online(), "attachments": [{"file": None}]}}}
        )
        + f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n'
        + json.dumps({"0": ["variables.input.attachments.0.file"]})
        + f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="0"; filename="a.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    body = head + b"0" * (cap + 1 - len(head) - len(tail)) + tail
    assert len(body) == cap + 1
    headers = {
        **PREFLIGHT,
        "Authorization": f"Bearer {w.citizen.token}",
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    announced = await gql.http.post("/graphql", content=body, headers=headers)
    assert announced.status_code == 413
    assert announced.json()["errors"][0]["extensions"] == {
        "code": "PAYLOAD_TOO_LARGE",
        "limit": cap,
    }

    async def chunked() -> AsyncIterator[bytes]:  # no Content-Length: counted as it streams
        for at in range(0, len(body), 1024 * 1024):
            yield body[at : at + 1024 * 1024]

    streamed = await gql.http.post("/graphql", content=chunked(), headers=headers)
    assert streamed.status_code == 413
    assert streamed.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert await county_rows(owner_db, w.county.id) == before
    # One byte less is parsed and answered (the file is then over the county's cap)
    smaller = head + body[len(head) + 1 :]
    response = await gql.http.post("/graphql", content=smaller, headers=headers)
    assert response.status_code == 200, response.text
    (error,) = response.json()["data"]["raiseCase"]["errors"]
    assert (error["field"], error["code"]) == ("attachments.0", "ATTACHMENT_TOO_LARGE")
    assert await county_rows(owner_db, w.county.id) == before


async def test_operations_with_too_many_values_are_refused_before_they_are_parsed(
    server, gql, owner_db
):
    w = await make_world(server)
    before = await county_rows(owner_db, w.county.id)
    operations = {
        "query": UPLOAD,
        "variables": {"input": {**online(), "attachments": [{"file": None}]}, "pad": [0] * 25_000},
    }
    response = await gql.http.post(
        "/graphql",
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.attachments.0.file"]}),
        },
        files={"0": ("a.txt", b"abc", "text/plain")},
        headers={**PREFLIGHT, "Authorization": f"Bearer {w.citizen.token}"},
    )
    assert response.status_code == 400
    assert "operations 包含的值过多" in response.json()["errors"][0]["message"]
    assert await county_rows(owner_db, w.county.id) == before
