"""The meeting control room (会议主持台) in a real browser (Debian's Chromium, driven by
Playwright's driver): a meeting from opening a poll to sealing and downloading the record.

The host (the county admin) schedules a meeting (a blank title refused next to the
field), then opens the control room of a live meeting from the unit's meetings list, checks a participant in, adds an agenda item and starts its speech timer
(it runs in the page; the test server's ManualClock is moved on and the 1-minute and
time-up warnings arrive live), is refused a poll with one option next to the field,
creates and opens a poll, two participants vote through the API and the tally moves in the
page without a reload, closes the poll, follows the turnout of a 测评票 (refused a k
below 3 next to the field) to its results, approves one comment and hides another in the
moderation queue, gives the floor from the speaking queue, writes the minutes, seals the
meeting and downloads the record .docx (read with python-docx: the poll's result is in it).
The page also renders at 360 px without sideways scroll, every input labelled.

Screenshots go to `$YISHI_ARTEFACTS/console-meeting` when set, else the test's tmp_path."""

from __future__ import annotations

import io
from urllib.parse import quote

import docx

from tests.browser import artefacts
from tests.factories.meetings import CHECK_IN, INVITE, attend, make_meeting
from tests.factories.people import make_user
from tests.factories.tenants import make_county
from tests.test_console_browser import (
    CuttableProxy,
    browser,
    sign_in,
    tab_to,
    unlabelled_inputs,
)

VOTE = """
mutation($p: ID!, $c: [Int!]!, $k: String!) {
  castVote(pollId: $p, choices: $c, idempotencyKey: $k) { accepted errors { code message } }
}"""
CREATE_POLL = """
mutation($m: ID!) { createPoll(meetingId: $m, question: "是否同意", options: ["同意", "不同意"]) {
  poll { id } errors { code } } }"""
OPEN_POLL = "mutation($p: ID!) { openPoll(pollId: $p) { errors { code } } }"
COMMENT = """
mutation($m: ID!, $b: String!) { postComment(meetingId: $m, body: $b) { comment { id } errors { code } } }"""
BALLOT = """
mutation($s: ID!, $a: [String!]!) { castScoringBallot(sheetId: $s, answers: $a) { accepted status errors { code } } }"""
HAND = """
mutation($m: ID!, $t: String) { raiseHand(meetingId: $m, topic: $t) { requestId errors { code } } }"""
STATE = """
query($id: ID!) { node(id: $id) { ... on Meeting {
  state sealedHash minutes attendance
  polls { id question state counts totalVotes }
  speakingQueue { id state }
  comments(first: 10) { edges { node { id body hidden hiddenReason } } }
  participants(first: 10) { edges { node { userId checkedInAt } } }
  agenda { title timer { status } }
} } }"""


async def vote(gql, poll_id: str, person, choice: int) -> None:
    cast = await gql.data(
        VOTE, {"p": poll_id, "c": [choice], "k": f"v-{person.user_id}"}, token=person.token
    )
    assert cast["castVote"] == {"accepted": True, "errors": []}


async def room_state(gql, meeting: str, token: str) -> dict:
    return (await gql.data(STATE, {"id": meeting}, token=token))["node"]


async def test_a_meeting_from_opening_a_poll_to_sealing_and_downloading_the_record(
    server, gql, owner_db, tmp_path
):
    shots = artefacts(tmp_path, "console-meeting")
    print(f"console meeting screenshots: {shots}")
    county = await make_county(server, name="城口县")
    admin = county.admin.token
    meeting = await make_meeting(gql, county)  # LIVE, online, hosted by the county root
    wang = await make_user(server, county, name="王大妈")
    li = await make_user(server, county, name="李师傅")
    zhao = await make_user(server, county, name="赵老师")
    invited = await gql.data(
        INVITE,
        {"m": meeting, "u": [wang.gid, li.gid, zhao.gid], "r": "REPRESENTATIVE"},
        token=admin,
    )
    assert invited["inviteParticipants"]["errors"] == []
    for person in (li, zhao):  # checked in at the door; 王大妈 is checked in in the console
        done = await gql.data(CHECK_IN, {"m": meeting, "u": person.gid}, token=admin)
        assert done["checkIn"]["errors"] == []
    kept = await gql.data(COMMENT, {"m": meeting, "b": "建议在村口加装路灯"}, token=li.token)
    kept_id = kept["postComment"]["comment"]["id"]
    hand = await gql.data(HAND, {"m": meeting, "t": "说说停车难"}, token=li.token)
    hand_id = hand["raiseHand"]["requestId"]
    room_url = f"/console/meetings/{quote(meeting, safe='')}"

    async with browser() as b:
        page = await sign_in(
            b, server.base_url, county.slug, county.admin.phone, accept_downloads=True
        )
        try:
            # the unit's meetings: the live one is listed, and opens the control room
            await page.click('nav a[href="/console/meetings"]')
            await page.wait_for_selector('#meeting-list[data-loaded="live"]')
            await page.screenshot(path=shots / "01-meetings-live.png", full_page=True)
            # scheduling one: a blank title is refused next to its field; the start is
            # typed in the county's time (Asia/Shanghai)
            await page.click(".create-meeting summary")
            await page.fill(".create-meeting-form input[name=startsAt]", "2026-12-20T09:30")
            await page.click(".create-meeting-form button[type=submit]")
            error = page.locator('.create-meeting-form [data-error-for="title"]')
            await error.wait_for()
            assert "会议名称" in await error.inner_text()
            await page.fill(".create-meeting-form input[name=title]", "背街小巷改造民意恳谈会")
            await page.click(".create-meeting-form button[type=submit]")
            await page.wait_for_selector("#start-meeting")
            draft = await gql.data(
                "query { meetings(states: [DRAFT]) { edges { node { title startsAt hostUnit { id } } } } }",
                token=admin,
            )
            assert [e["node"] for e in draft["meetings"]["edges"]] == [
                {
                    "title": "背街小巷改造民意恳谈会",
                    "startsAt": "2026-12-20T01:30:00+00:00",
                    "hostUnit": {"id": county.root_gid},
                }
            ]
            await page.click('nav a[href="/console/meetings"]')
            await page.click('.tabs button[data-tab="live"]')
            await page.wait_for_selector('#meeting-list[data-loaded="live"]')
            await page.click(f'a[href="{room_url}"]')
            await page.wait_for_selector("#main[data-loaded]")
            assert await page.inner_text("#attendance-count") == "已签到 2 人 / 参会名单 3 人"
            assert await unlabelled_inputs(page) == []

            # check-in: 王大妈 from the list of those not yet here
            await page.click('#not-checked-in button[aria-label="为王大妈签到"]')
            await page.wait_for_selector('#attendance-count:text("已签到 3 人")')
            assert "王大妈" in await page.inner_text("#checked-in")

            # the agenda and its speech timer
            await page.fill(".agenda-form input[name=title]", "村道硬化情况通报")
            await page.fill(".agenda-form input[name=speakerName]", "张主任")
            await page.fill(".agenda-form input[name=durationSeconds]", "10")
            await page.click(".agenda-form button[type=submit]")
            await page.click('.agenda-item button[data-action="START"]')
            await page.wait_for_selector('.agenda-item[data-status="RUNNING"]')
            # it runs in the page (from 10:00 down) …
            await page.wait_for_function(
                "() => { const t = document.querySelector('[data-timer]').textContent;"
                " return t < '10:00' && t > '09:00'; }"
            )
            # … and the server's warnings arrive live as its clock moves on
            server.clock.advance(541)
            await page.wait_for_selector('#timer-alert:text("「村道硬化情况通报」剩余1分钟")')
            assert await page.inner_text("[data-timer]") <= "01:00"
            await page.screenshot(path=shots / "02-timer-one-minute-left.png", full_page=True)
            server.clock.advance(60)
            await page.wait_for_selector('#timer-alert:text("「村道硬化情况通报」时间到")')
            await page.wait_for_selector('.agenda-item[data-status="STOPPED"]')
            assert await page.inner_text("[data-timer]") == "00:00"

            # a poll with one option: the API's error next to the field, nothing created
            await page.fill(".poll-form input[name=question]", "是否同意村道硬化方案")
            await page.fill(".poll-form textarea[name=options]", "同意")
            await page.click(".poll-form button[type=submit]")
            error = page.locator('.poll-form [data-error-for="options"]')
            await error.wait_for()
            assert await error.inner_text() == "选项须为2到20个，每项1到100个字"
            assert (
                await page.get_attribute(".poll-form textarea[name=options]", "aria-invalid")
                == "true"
            )
            assert (await room_state(gql, meeting, admin))["polls"] == []
            await page.screenshot(path=shots / "03-poll-error.png", full_page=True)
            await page.fill(".poll-form textarea[name=options]", "同意\n不同意\n弃权")
            await page.click(".poll-form button[type=submit]")
            await page.click(".poll .open-poll")
            await page.wait_for_selector('.poll[data-state="OPEN"]')
            poll_id = await page.get_attribute(".poll", "data-poll")

            # two participants vote through the API: the tally moves without a reload
            await page.evaluate("window.__sameRoom = true")
            for person, choice in ((li, 0), (zhao, 1)):
                cast = await gql.data(
                    VOTE,
                    {"p": poll_id, "c": [choice], "k": f"v-{person.user_id}"},
                    token=person.token,
                )
                assert cast["castVote"] == {"accepted": True, "errors": []}
            await page.wait_for_selector('.poll .total-votes:text-is("2")')
            counts = await page.eval_on_selector_all(
                ".poll .tally .count", "els => els.map(e => e.textContent)"
            )
            assert counts == ["1 票", "1 票", "0 票"]
            assert await page.evaluate("window.__sameRoom") is True
            await page.screenshot(path=shots / "04-tally-live.png", full_page=True)
            await page.click(".poll .close-poll")
            await page.wait_for_selector('.poll[data-state="CLOSED"]')
            assert "（最终结果）" in await page.inner_text(".poll .total")

            # 测评票: k below 3 is refused next to its field; then three ballots wait for
            # their batch (the turnout moves live, never what was scored) and the close
            # counts them and publishes the results
            await page.fill(".scoring-form input[name=title]", "村干部满意度测评")
            await page.fill(".scoring-form textarea[name=targets]", "村主任\n村支书")
            await page.fill(".scoring-form input[name=minBallots]", "2")
            await page.click(".scoring-form button[type=submit]")
            error = page.locator('.scoring-form [data-error-for="minBallots"]')
            await error.wait_for()
            assert "3" in await error.inner_text()
            await page.fill(".scoring-form input[name=minBallots]", "3")
            await page.click(".scoring-form button[type=submit]")
            await page.wait_for_selector('.sheet[data-state="OPEN"] .turnout')
            assert (
                await page.inner_text(".sheet .turnout")
                == "可参加 3 人 · 已计入 0 票 · 待计入 0 票"
            )
            sheet_id = await page.get_attribute(".sheet", "data-sheet")
            for person, answers in (
                (wang, ["满意", "满意"]),
                (li, ["基本满意", "满意"]),
                (zhao, ["不满意", "满意"]),
            ):
                cast = await gql.data(BALLOT, {"s": sheet_id, "a": answers}, token=person.token)
                assert cast["castScoringBallot"] == {
                    "accepted": True,
                    "status": "PENDING",
                    "errors": [],
                }
            await page.wait_for_selector('.sheet .turnout:text("待计入 3 票")')
            assert "满意 " not in await page.inner_text(".sheet")  # nothing of what was scored
            await page.click(".sheet .close-scoring")
            await page.wait_for_selector('.sheet[data-state="CLOSED"] .results')
            assert await page.eval_on_selector_all(
                ".sheet .results li", "els => els.map(e => e.textContent)"
            ) == [
                "村主任：满意 1，基本满意 1，不满意 1，满意率 66.7%",
                "村支书：满意 3，基本满意 0，不满意 0，满意率 100.0%",
            ]

            # moderation: a comment posted now comes into the queue live; one comment is
            # approved (kept public), the other hidden with a reason
            # (while the host types the minutes: the update takes neither focus nor text)
            await page.fill(".minutes-form textarea[name=text]", "会议通报了")
            spam = await gql.data(
                COMMENT, {"m": meeting, "b": "加微信领红包 123456"}, token=zhao.token
            )
            spam_id = spam["postComment"]["comment"]["id"]
            await page.wait_for_selector(f'#moderation-queue [data-comment="{spam_id}"]')
            assert "赵老师" in await page.inner_text(f'[data-comment="{spam_id}"]')
            assert await page.evaluate(
                "() => [document.activeElement.name, document.activeElement.value]"
            ) == ["text", "会议通报了"]
            await page.click(f'[data-comment="{kept_id}"] button.approve')
            await page.wait_for_selector(f'#moderated [data-comment="{kept_id}"]')
            approved = await gql.data(  # stored, not a mark of the tab: every host sees it
                "query($id: ID!) { node(id: $id) { ... on MeetingComment { approved } } }",
                {"id": kept_id},
                token=admin,
            )
            assert approved["node"] == {"approved": True}
            await page.click(f'[data-comment="{spam_id}"] button.hide')
            assert await page.evaluate("document.activeElement.name") == "reason"
            await page.fill(".hide-form textarea[name=reason]", "广告信息")
            await page.click(".hide-form button[type=submit]")
            await page.wait_for_selector(
                f'#moderated [data-comment="{spam_id}"] :text("已屏蔽：广告信息")'
            )
            await page.wait_for_selector("#moderation-queue:text('没有待审核的留言')")

            # the speaking queue: 李师傅 is given the floor, then done
            await page.click(f'[data-request="{hand_id}"] button[data-state="SPEAKING"]')
            await page.wait_for_selector(f'[data-request="{hand_id}"][data-state="SPEAKING"]')
            assert "李师傅" in await page.inner_text(f'[data-request="{hand_id}"]')

            # the minutes
            await page.fill(
                ".minutes-form textarea[name=text]",
                "会议通报了村道硬化情况，表决结果：同意1票，不同意1票。",
            )
            await page.click(".minutes-form button[type=submit]")
            await page.wait_for_selector('#room-status:text("纪要已保存")')
            await page.screenshot(path=shots / "05-room.png", full_page=True)

            # sealed, then the record downloaded and read
            await page.click(".seal-form button[type=submit]")
            await page.wait_for_selector("#record-docx")
            sealed = await room_state(gql, meeting, admin)
            assert await page.inner_text("#sealed-hash") == sealed["sealedHash"]
            focus = await tab_to(page, "#record-docx", limit=200)
            assert focus["visible"] and focus["outline"] != "none", focus
            async with page.expect_download() as download:
                await page.keyboard.press("Enter")
            saved = tmp_path / "record.docx"
            await (await download.value).save_as(saved)
            await page.screenshot(path=shots / "06-sealed.png", full_page=True)
            assert not [p for p in page.problems if "Content Security Policy" in p], page.problems

            # 360 px: one column, no sideways scroll
            await page.set_viewport_size({"width": 360, "height": 740})
            widths = await page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert widths[0] <= widths[1] == 360, widths
            await page.screenshot(path=shots / "07-room-360.png", full_page=True)
        except Exception:
            await page.screenshot(path=shots / "failed.png", full_page=True)
            print(await page.inner_text("#main"), page.problems)
            raise
        finally:
            await page.context.close()

    # what the API says happened
    assert sealed["state"] == "CLOSED"
    assert sealed["attendance"] == 3
    assert [(p["state"], p["counts"], p["totalVotes"]) for p in sealed["polls"]] == [
        ("CLOSED", [1, 1, 0], 2)
    ]
    comments = {c["node"]["id"]: c["node"] for c in sealed["comments"]["edges"]}
    assert (comments[kept_id]["hidden"], comments[kept_id]["hiddenReason"]) == (False, None)
    assert (comments[spam_id]["hidden"], comments[spam_id]["hiddenReason"]) == (True, "广告信息")
    assert [(q["id"], q["state"]) for q in sealed["speakingQueue"]] == [(hand_id, "SPEAKING")]
    assert sealed["minutes"].startswith("会议通报了村道硬化情况")
    assert [(a["title"], a["timer"]["status"]) for a in sealed["agenda"]] == [
        ("村道硬化情况通报", "STOPPED")
    ]
    # the record: the poll's exact result and the sealed hash are in the Word document
    document = docx.Document(io.BytesIO(saved.read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "1. 是否同意村道硬化方案（单选，已结束）" in text
    tallies = [
        [[c.text for c in row.cells][:2] for row in t.rows]
        for t in document.tables
        if [c.text for c in t.rows[0].cells][:2] == ["选项", "票数"]
    ]
    assert tallies == [
        [["选项", "票数"], ["同意", "1"], ["不同意", "1"], ["弃权", "0"], ["合计（投票人数）", "2"]]
    ]
    assert sealed["sealedHash"] in text
    print(text[:3000])


async def test_the_tally_is_right_again_after_the_control_room_lost_its_connection(
    server, gql, owner_db, tmp_path
):
    """Tallies are live-only (not in the log, so `after` cannot replay them): votes cast
    while the host's line is cut show once it is back, without a reload."""
    shots = artefacts(tmp_path, "console-meeting")
    county = await make_county(server, name="城口县")
    admin = county.admin.token
    meeting = await make_meeting(gql, county)
    voters = [await make_user(server, county, name=f"代表{i}") for i in range(3)]
    await attend(gql, county, meeting, [v.gid for v in voters])
    created = await gql.data(CREATE_POLL, {"m": meeting}, token=admin)
    poll_id = created["createPoll"]["poll"]["id"]
    opened = await gql.data(OPEN_POLL, {"p": poll_id}, token=admin)
    assert opened["openPoll"]["errors"] == []
    proxy = await CuttableProxy(int(server.base_url.rsplit(":", 1)[1])).start()
    async with browser() as b:
        page = await sign_in(b, f"http://127.0.0.1:{proxy.port}", county.slug, county.admin.phone)
        try:
            await page.goto(
                f"http://127.0.0.1:{proxy.port}/console/meetings/{quote(meeting, safe='')}"
            )
            await page.wait_for_selector('.poll[data-state="OPEN"]')
            await vote(gql, poll_id, voters[0], 0)
            await page.wait_for_selector('.poll .total-votes:text-is("1")')
            await page.evaluate("window.__sameRoom = true")
            proxy.cut()
            await page.wait_for_selector("#connection-banner:visible")
            for voter, choice in ((voters[1], 1), (voters[2], 1)):
                await vote(gql, poll_id, voter, choice)
            await page.screenshot(path=shots / "10-room-cut.png", full_page=True)
            proxy.restore()
            await page.wait_for_selector("#connection-banner", state="hidden")
            await page.wait_for_selector('.poll .total-votes:text-is("3")')
            counts = await page.eval_on_selector_all(
                ".poll .tally .count", "els => els.map(e => e.textContent)"
            )
            assert counts == ["1 票", "2 票"]
            assert await page.evaluate("window.__sameRoom") is True
        finally:
            await page.context.close()
            await proxy.close()
