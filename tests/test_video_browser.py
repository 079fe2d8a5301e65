"""A real browser in a 云视频 room: Debian's headless Chromium (driven by Playwright, with
fake camera and microphone) signs in on the meeting page and joins with a Python aiortc
client. Each side must receive the other's media frames, a vote cast in the page must
reach the Python client's subscription, and both (the joins and the vote) must be in the
record. Chromium is installed with apt when missing; the test skips, saying why, only when
it cannot be installed. No browser is ever downloaded by Playwright."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from realtime.video import ice
from realtime.video.server import _ice_transports
from tests.browser import FLAGS as BROWSER_FLAGS
from tests.browser import chromium
from tests.factories.people import PASSWORD
from tests.factories.tenants import db_id
from tests.factories.video import join, make_video_world, renegotiate, until
from tests.meetings_api import CREATE_POLL, OPEN_POLL
from tests.realtime_client import EVENTS_SUBSCRIPTION, GraphQLWS
from tests.video_client import VideoClient

FLAGS = [
    *BROWSER_FLAGS,
    # loopback only: Chromium gathers no loopback candidate unless told to, and offers its
    # eth0 address as a plain IP (not an mDNS name) so the server can refuse it
    "--allow-loopback-in-peer-connection",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
]


async def frames_decoded(page: Any) -> int:
    """Video frames the page's peer connection decoded (its inbound-rtp statistics)."""
    return await page.evaluate(
        """async () => {
          const pc = window.yishiMeet && window.yishiMeet.pc;
          if (!pc) return 0;
          let n = 0;
          (await pc.getStats()).forEach((s) => {
            if (s.type === "inbound-rtp" && s.kind === "video") n += s.framesDecoded || 0;
          });
          return n;
        }"""
    )


async def candidate_pairs(page: Any) -> list[dict[str, Any]]:
    """The candidate pairs the page's peer connection uses (each transport's selected
    pair, and any nominated pair that succeeded), with both ends' addresses."""
    return await page.evaluate(
        """async () => {
          const pc = window.yishiMeet && window.yishiMeet.pc;
          if (!pc) return [];
          const stats = await pc.getStats();
          const byId = new Map();
          stats.forEach((s) => byId.set(s.id, s));
          const used = new Set();
          stats.forEach((s) => {
            if (s.type === "transport" && s.selectedCandidatePairId)
              used.add(s.selectedCandidatePairId);
            if (s.type === "candidate-pair" && s.nominated && s.state === "succeeded")
              used.add(s.id);
          });
          const end = (id) => {
            const c = byId.get(id) || {};
            return c.address || c.ip || null;
          };
          return [...used].map((id) => {
            const p = byId.get(id);
            return { local: end(p.localCandidateId), remote: end(p.remoteCandidateId) };
          });
        }"""
    )


def nominated_hosts(pc: Any) -> list[tuple[str, str]]:
    """The (local, remote) hosts of an aiortc peer's nominated ICE pairs (aioice's
    Connection._nominated, behind aiortc's RTCIceTransport._connection)."""
    return [
        (pair.local_candidate.host, pair.remote_candidate.host)
        for conn in (t._connection for t in _ice_transports(pc))
        for pair in conn._nominated.values()
    ]


async def test_a_browser_and_a_python_client_see_each_other_and_the_page_votes(
    server, gql, owner_db, monkeypatch
):
    executable = chromium()
    from playwright.async_api import async_playwright

    # the media server refuses remote candidates off loopback (Chromium also offers eth0)
    monkeypatch.setattr(server.services.video, "remote_networks", ice.networks(["127.0.0.0/8"]))
    w = await make_video_world(server, gql)
    poll = (
        await gql.data(
            CREATE_POLL,
            {"m": w.meeting, "q": "是否同意停车收费方案", "o": ["同意", "反对"]},
            token=w.host.token,
        )
    )["createPoll"]["poll"]["id"]
    await gql.data(OPEN_POLL, {"p": poll}, token=w.host.token)

    # the Python participant (the host) publishes and watches the meeting's stream
    python = VideoClient(publish=True, slots=1)
    watcher = await GraphQLWS(server.ws_url).open(w.host.token)
    op = await watcher.subscribe(EVENTS_SUBSCRIPTION, {"stream": f"meeting:{w.meeting}"})
    joined = await join(gql, w.room, python, w.host.token)
    assert joined["errors"] == []

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=executable, args=FLAGS, headless=True)
        try:
            page = await browser.new_page()
            messages: list[str] = []
            page.on("console", lambda m: messages.append(m.text))
            await page.goto(f"{server.base_url}/meet/{w.meeting}?county={w.county.slug}")
            # when: the speaker signs in on the page and joins with camera and microphone
            await page.fill("#phone", w.speaker.phone)
            await page.fill("#password", PASSWORD)
            await page.click("#signin-form button[type=submit]")
            await page.wait_for_selector("#join-publish:not([disabled])", timeout=15000)
            await page.click("#join-publish")
            try:
                await page.wait_for_selector("#leave:not([hidden])", timeout=20000)
            except Exception as exc:
                error = await page.inner_text("#action-error")
                raise AssertionError(f"the page did not join: {error!r} {messages}") from exc

            # then: the page receives the Python client's video
            deadline = time.monotonic() + 30
            while await frames_decoded(page) < 10:
                assert time.monotonic() < deadline, ("no frames in the page", messages)
                await asyncio.sleep(0.25)
            # and the Python client, renegotiating for the new publisher, gets the browser's
            again = await renegotiate(gql, w.room, python, w.host.token)
            assert [s["userId"] for s in again["slots"] if s["kind"] == "video"] == [w.speaker.gid]
            await until(lambda: python.frames_of("video") >= 10, "the browser's video", 30)

            # every candidate pair in use is on loopback, in the page and in the server
            pairs = await candidate_pairs(page)
            assert pairs and all(
                p == {"local": "127.0.0.1", "remote": "127.0.0.1"} for p in pairs
            ), pairs
            speaker_peer = server.services.video.peer_of(w.county.id, w.speaker.user_id)
            used = nominated_hosts(speaker_peer.pc) + nominated_hosts(python.pc)
            assert used and set(used) == {("127.0.0.1", "127.0.0.1")}, used

            # a vote in the page reaches the Python client's subscription
            await page.click(f'.poll[data-poll="{poll}"] button[data-choice="0"]')
            deadline = time.monotonic() + 20
            tally = None
            while tally is None:
                assert time.monotonic() < deadline, "no tally on the subscription"
                event = await watcher.event(op)
                if event["type"] == "poll.tally" and event["payload"]["totalVotes"] == 1:
                    tally = event["payload"]
            assert tally["counts"] == [1, 0]
            await page.wait_for_selector(
                f'.poll[data-poll="{poll}"] .tally:text("共 1 票")', timeout=10000
            )
        finally:
            await browser.close()
            await python.close()
            await watcher.close()

    # both are in the record: the vote in the meeting's, the joins in the room's
    rows = await owner_db.fetch(
        "SELECT stream, type, payload, actor_user_id FROM events WHERE tenant_id = $1 ORDER BY id",
        w.county.id,
    )
    votes = [r for r in rows if r["type"] == "vote.cast"]
    assert len(votes) == 1 and votes[0]["stream"] == f"meeting:{db_id(w.meeting)}"
    joins = [
        json.loads(r["payload"])["userId"]
        for r in rows
        if r["type"] == "videoParticipant.joined" and r["stream"] == f"video:{db_id(w.room)}"
    ]
    assert joins == [w.host.user_id, w.speaker.user_id]
