"""The participant pages (群众端, /console/m/) in a real browser at 360 × 740 with touch
(Debian's Chromium, driven by Playwright's driver): a resident signs in, finds the live
meeting in the list and joins it, sees the current agenda item's speech timer, votes (the
tally moves live, also with another resident's vote; a second vote is refused in Chinese),
fills a 测评票 (counted in the batch written when the host closes it), comments (one over the length limit gets the error next to the box),
raises a hand and sees the host give the floor (the host acts through the API); then opens
their own answered case and rates it 不满意 with a reason, and the case reopens. No step
needs a sideways scroll; every input has a label. Anonymous watching of the same meeting
(X-Tenant only) follows the tally live too.

A new number signs in by SMS code (a wrong code's error next to the code) and raises a
case (a blank title's error next to the title).

Screenshots go to `$YISHI_ARTEFACTS/participant` when set, else the test's tmp_path (the
path is printed)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from tests.browser import artefacts
from tests.cases_world import make_world
from tests.factories.cases import (
    CLASSIFY,
    DISPATCH,
    REPLY,
    SIGN,
    act,
    case_node,
    online,
    raise_case,
)
from tests.factories.meetings import attend, make_meeting
from tests.factories.people import PASSWORD, next_phone
from tests.factories.tenants import make_county
from tests.meetings_api import (
    ADD_AGENDA,
    CAST_BALLOT,
    CLOSE_SCORING,
    CREATE_POLL,
    MEETING,
    OPEN_POLL,
    OPEN_SCORING,
    POST_COMMENT,
    TIMER,
    UPDATE_REQUEST,
    VOTE,
)
from tests.test_console_browser import TIMEOUT, CuttableProxy, browser, tab_to, unlabelled_inputs
from tests.test_identity_sms import code_sent_to

PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True}


async def no_sideways_scroll(page: Any) -> None:
    width = await page.evaluate(
        "() => ({doc: document.documentElement.scrollWidth, win: window.innerWidth})"
    )
    assert width["doc"] <= width["win"], width


async def answered_case(gql: Any, w: Any) -> dict[str, Any]:
    case = (
        await raise_case(
            gql,
            w.citizen.token,
            online(
                "楼道灯坏了",
                "二单元楼道灯坏了两周，晚上老人上下楼看不见。",
                placeUnitId=w.unit(w.village),
            ),
        )
    )["case"]
    await act(
        gql,
        CLASSIFY,
        {"c": case["id"], "k": "DEMAND", "m": "PUBLIC_INTEREST", "h": "IMMEDIATE"},
        w.township_staff.token,
    )
    sent = await act(
        gql, DISPATCH, {"c": case["id"], "u": w.unit(w.department)}, w.township_staff.token
    )
    await act(gql, SIGN, {"a": sent["assignment"]["id"]}, w.department_staff.token)
    done = await act(
        gql,
        REPLY,
        {"c": case["id"], "k": "RESULT", "b": "已更换楼道灯，请查看。"},
        w.department_staff.token,
    )
    assert done["case"]["state"] == "ANSWERED", done
    return case


async def test_a_resident_takes_part_in_a_live_meeting_and_rates_a_case_on_a_phone(
    server, gql, tmp_path
):
    shots = artefacts(tmp_path, "participant")
    print(f"participant screenshots: {shots}")
    w = await make_world(server)
    admin = w.county.admin.token
    meeting = await make_meeting(gql, w.county, mode="ONLINE")
    item = (
        await gql.data(
            ADD_AGENDA,
            {"m": meeting, "t": "县住建委述职", "s": "住建委主任", "d": 600},
            token=admin,
        )
    )["addAgendaItem"]["agendaItem"]
    started = await gql.data(TIMER, {"a": item["id"], "x": "START"}, token=admin)
    assert started["controlTimer"]["errors"] == [], started
    poll = (
        await gql.data(
            CREATE_POLL,
            {"m": meeting, "q": "是否同意老旧小区改造方案？", "o": ["同意", "不同意", "弃权"]},
            token=admin,
        )
    )["createPoll"]["poll"]
    opened = await gql.data(OPEN_POLL, {"p": poll["id"]}, token=admin)
    assert opened["openPoll"]["errors"] == [], opened
    sheet = await gql.data(
        OPEN_SCORING,
        {"m": meeting, "t": "部门述职测评", "g": ["县住建委", "县交通局"], "k": 3},
        token=admin,
    )
    assert sheet["openScoring"]["errors"] == [], sheet
    await attend(gql, w.county, meeting, [w.other_citizen.gid, w.township_staff.gid])
    case = await answered_case(gql, w)
    meeting_url = f"/console/m/meetings/{quote(meeting, safe='')}"
    case_url = f"/console/m/cases/{quote(case['id'], safe='')}"

    async with browser() as b:
        ctx = await b.new_context(**PHONE)
        page = await ctx.new_page()
        page.set_default_timeout(TIMEOUT)
        problems: list[str] = []
        page.on("pageerror", lambda e: problems.append(str(e)))

        # sign in (the SMS-code form is offered beside the password one)
        await page.goto(f"{server.base_url}/console/m?county={w.county.slug}")
        await page.wait_for_selector(".password-form")
        assert await page.is_visible(".sms-form")
        await no_sideways_scroll(page)
        await page.screenshot(path=shots / "01-sign-in.png", full_page=True)
        assert await unlabelled_inputs(page) == []
        await page.fill(".password-form input[name=phone]", w.citizen.phone)
        await page.fill(".password-form input[name=password]", PASSWORD)
        await page.tap(".password-form button[type=submit]")

        # my meetings: the live one, opened with a tap
        await page.wait_for_selector("#meeting-list[data-loaded]")
        assert await page.inner_text("#person-name") == "王大姐"
        await page.screenshot(path=shots / "02-meetings.png", full_page=True)
        await no_sideways_scroll(page)
        await page.tap(f'#meeting-list a[href="{meeting_url}"]')
        await page.wait_for_selector("#meeting-state:text('正在进行')")
        assert "县住建委述职" in await page.inner_text("#current-item")
        assert "发言中" in await page.inner_text("#timer")

        # join (register and check in online)
        await page.tap(".join-form button[type=submit]")
        await page.wait_for_selector("#joined")

        # vote: the tally moves live (this vote, then another resident's over the API)
        vote = f'[data-poll="{poll["id"]}"]'
        await page.tap(f"{vote} .m-choice:nth-child(2)")  # 同意 (after the legend)
        await page.tap(f"{vote} .vote-form button[type=submit]")
        await page.wait_for_selector(f"{vote} .m-total[data-total='1']")
        assert await page.inner_text(f'{vote} .count[data-option="0"]') == "1 票"
        other = await gql.data(
            VOTE, {"p": poll["id"], "c": [1], "k": "other-1"}, token=w.other_citizen.token
        )
        assert other["castVote"]["accepted"], other
        await page.wait_for_selector(f"{vote} .m-total[data-total='2']")
        assert await page.inner_text(f'{vote} .count[data-option="1"]') == "1 票"
        # a second vote is refused, in Chinese, in the poll's form
        await page.tap(f"{vote} .m-choice:nth-child(3)")
        await page.tap(f"{vote} .vote-form button[type=submit]")
        await page.wait_for_selector(f"{vote} .vote-form .error:text('您已投过票')")
        await no_sideways_scroll(page)
        await page.screenshot(path=shots / "03-voted.png", full_page=True)

        # the 测评票: one answer per target
        await page.select_option(".scoring-form select[name='answers.0']", "满意")
        await page.tap(".scoring-form button[type=submit]")
        missing = page.locator('.scoring-form [data-error-for="answers.1"]')
        await missing.wait_for(state="visible")  # the second target is not answered
        await page.select_option(".scoring-form select[name='answers.1']", "基本满意")
        await page.tap(".scoring-form button[type=submit]")
        await page.wait_for_selector(".m-ballot:text('待成批计入')")
        # two more ballots, then the host closes the sheet: its last batch (k = 3) is
        # written together, and mine shows counted
        sheet_id = sheet["openScoring"]["sheet"]["id"]
        for voter in (w.other_citizen, w.township_staff):
            cast = await gql.data(
                CAST_BALLOT, {"s": sheet_id, "a": ["不满意", "满意"]}, token=voter.token
            )
            assert cast["castScoringBallot"]["accepted"], cast
        closed = await gql.data(CLOSE_SCORING, {"s": sheet_id}, token=admin)
        assert closed["closeScoring"]["errors"] == [], closed
        await page.wait_for_selector(f"[data-sheet='{sheet_id}'][data-state=CLOSED]")
        await page.wait_for_selector(".m-ballot:text('已计入')")

        # comments: over the limit, the error is next to the box; then one that goes out
        await page.fill(".comment-form textarea[name=body]", "长" * 501)
        await page.tap(".comment-form button[type=submit]")
        error = page.locator('.comment-form [data-error-for="body"]')
        await error.wait_for(state="visible")
        assert "不能超过500个字" in await error.inner_text()
        assert (
            await page.get_attribute(".comment-form textarea[name=body]", "aria-invalid") == "true"
        )
        await page.screenshot(path=shots / "04-comment-too-long.png", full_page=True)
        await page.fill(".comment-form textarea[name=body]", "改造时请优先考虑加装电梯。")
        await page.tap(".comment-form button[type=submit]")
        await page.wait_for_selector("#comment-list li:text('改造时请优先考虑加装电梯。')")
        assert not await error.is_visible()

        # raise a hand: my place in the queue, then the host gives the floor
        await page.fill(".raise-hand-form input[name=topic]", "电梯加装费用")
        # by keyboard: Tab reaches 举手 with a visible focus ring, Enter raises the hand
        focus = await tab_to(page, ".raise-hand-form button[type=submit]", limit=80)
        assert focus["visible"] and focus["outline"] == "solid", focus
        await page.keyboard.press("Enter")
        await page.wait_for_selector("#hand-status:text('排在第 1 位')")
        queue = (await gql.data(MEETING, {"id": meeting}, token=admin))["node"]["speakingQueue"]
        (request,) = [q for q in queue if q["topic"] == "电梯加装费用"]
        floor = await gql.data(UPDATE_REQUEST, {"r": request["id"], "s": "SPEAKING"}, token=admin)
        assert floor["updateSpeakingRequest"]["errors"] == [], floor
        await page.wait_for_selector("#hand-status:text('主持人已请您发言')")
        await no_sideways_scroll(page)
        assert await unlabelled_inputs(page) == []
        await page.screenshot(path=shots / "05-floor-given.png", full_page=True)

        # my cases: the answered one, rated 不满意 (a reason is needed), so it reopens
        await page.tap("nav a:text('我的诉求')")
        await page.wait_for_selector("#my-cases[data-loaded]")
        await no_sideways_scroll(page)
        await page.tap(f'#my-cases a[href="{case_url}"]')
        await page.wait_for_selector("#replies .m-reply[data-kind=RESULT]")
        await page.wait_for_selector("#history[data-loaded] li[data-type='case.answered']")
        await page.select_option(".rate-form select[name=satisfaction]", "DISSATISFIED")
        await page.tap(".rate-form button[type=submit]")
        reason = page.locator('.rate-form [data-error-for="text"]')
        await reason.wait_for(state="visible")
        await page.screenshot(path=shots / "06-rating-needs-reason.png", full_page=True)
        await page.fill(".rate-form textarea[name=text]", "灯只亮了一天又坏了。")
        await page.tap(".rate-form button[type=submit]")
        await page.wait_for_selector("#case-status:text('将重新办理')")
        await page.wait_for_selector("#history li[data-type='case.reopened']")
        await page.wait_for_selector(".rate-form", state="detached")
        await page.wait_for_selector("#my-rating:text('不满意：灯只亮了一天又坏了。')")
        await no_sideways_scroll(page)
        await page.screenshot(path=shots / "07-case-reopened.png", full_page=True)
        node = await case_node(gql, case["id"], w.citizen.token)
        assert node is not None and node["reopenCount"] == 1, node
        assert node["state"] != "CLOSED" and node["satisfaction"] == "DISSATISFIED", node

        # anonymous watching (X-Tenant only): the same meeting, its tally live, through a
        # cut connection (the banner shows; the comment made meanwhile is replayed with
        # `after`, the tally read again)
        proxy = await CuttableProxy(int(server.base_url.rsplit(":", 1)[1])).start()
        try:
            guest_ctx = await b.new_context(**PHONE)
            guest = await guest_ctx.new_page()
            guest.set_default_timeout(TIMEOUT)
            guest.on("pageerror", lambda e: problems.append(str(e)))
            await guest.goto(f"http://127.0.0.1:{proxy.port}{meeting_url}?county={w.county.slug}")
            await guest.tap("#watch-anonymously")
            await guest.wait_for_selector(f"{vote} .m-total[data-total='2']")
            await guest.wait_for_selector("#comment-list li:text('改造时请优先考虑加装电梯。')")
            assert not await guest.is_visible(".vote-form")
            assert not await guest.is_visible(".comment-form")
            proxy.cut()
            await guest.wait_for_selector("#connection-banner", state="visible")
            third = await gql.data(
                VOTE, {"p": poll["id"], "c": [2], "k": "third-1"}, token=w.township_staff.token
            )
            assert third["castVote"]["accepted"], third
            said = await gql.data(
                POST_COMMENT,
                {"m": meeting, "b": "希望公示改造费用。", "k": "QUESTION"},
                token=w.other_citizen.token,
            )
            assert said["postComment"]["errors"] == [], said
            await guest.screenshot(path=shots / "08-watching-offline.png", full_page=True)
            proxy.restore()
            await guest.wait_for_selector("#connection-banner", state="hidden")
            await guest.wait_for_selector(f"{vote} .m-total[data-total='3']")
            await guest.wait_for_selector("#comment-list li:text('希望公示改造费用。')")
            await no_sideways_scroll(guest)
            await guest.screenshot(path=shots / "09-watching-anonymously.png", full_page=True)
        finally:
            await proxy.close()
        assert problems == []


async def test_a_new_number_signs_in_by_sms_code_and_raises_a_case_on_a_phone(
    server, gql, tmp_path
):
    """SMS sign-in (a new number becomes a 群众 account): a wrong code's error next to the
    code field, then the code from the SMS; raising a case with a blank title (the error
    next to the title), then with one: the case page shows it received."""
    shots = artefacts(tmp_path, "participant")
    county = await make_county(server)
    phone = next_phone()
    async with browser() as b:
        ctx = await b.new_context(**PHONE)
        page = await ctx.new_page()
        page.set_default_timeout(TIMEOUT)
        problems: list[str] = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        await page.goto(f"{server.base_url}/console/m/cases?county={county.slug}")
        await page.fill(".sms-form input[name=phone]", phone)
        await page.tap("#send-code")
        await page.wait_for_selector(".sms-form .status:text('验证码已发送')")
        code = code_sent_to(server, f"+86{phone}")
        wrong = "000000" if code != "000000" else "111111"
        await page.fill(".sms-form input[name=code]", wrong)
        await page.tap(".sms-form button[type=submit]")
        error = page.locator('.sms-form [data-error-for="code"]')
        await error.wait_for(state="visible")
        assert "验证码错误" in await error.inner_text()
        await page.fill(".sms-form input[name=code]", code)
        await page.tap(".sms-form button[type=submit]")
        # back where the link pointed: my cases, none yet
        await page.wait_for_selector("#my-cases[data-loaded]")
        assert "还没有反映过诉求" in await page.inner_text("#my-cases")
        await page.tap("a:text('反映新的诉求或建议')")
        await page.fill(".raise-case-form textarea[name=body]", "菜市场门口积水，下雨天进不去。")
        await page.tap(".raise-case-form button[type=submit]")
        title = page.locator('.raise-case-form [data-error-for="title"]')
        await title.wait_for(state="visible")
        await no_sideways_scroll(page)
        await page.screenshot(path=shots / "10-raise-case-title-missing.png", full_page=True)
        await page.fill(".raise-case-form input[name=title]", "菜市场门口积水")
        await page.tap(".raise-case-form button[type=submit]")
        await page.wait_for_selector("#history[data-loaded] li[data-type='case.received']")
        assert await page.inner_text(".m-head h1") == "菜市场门口积水"
        await page.tap("a:text('← 我的诉求')")
        await page.wait_for_selector("#my-cases a:has-text('菜市场门口积水')")
        await no_sideways_scroll(page)
        assert problems == []
