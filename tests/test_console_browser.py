"""The staff console in a real browser (Debian's Chromium, driven by Playwright's driver):
a case raised by a citizen goes from intake to rating across two units, every staff step
clicked (or keyed) in the console — the county office dispatches it to a township (A), A
signs for it and transfers it down to a community (B), B signs, is refused a blank reply
next to the field, replies with the result — and the citizen rates it. A's case page stays
open all along: its history follows live, through a connection cut (the reconnect banner
shows, and the page resumes with `after`, without a reload). The inbox fits a 360 px
screen; the main actions are reached by Tab with a visible focus; every input has a label.

Screenshots go to `$YISHI_ARTEFACTS/console` when set, else the test's tmp_path (the path
is printed)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from backend.people.models import Role
from tests.browser import FLAGS, artefacts, chromium
from tests.cases_world import make_world
from tests.conftest import free_port
from tests.factories.cases import CLASSIFY, RATE, REPLY, act, online, raise_case
from tests.factories.people import PASSWORD, make_user
from tests.realtime_client import STREAM_EVENTS

TIMEOUT = 20_000  # ms, for one step of the page to show


class CuttableProxy:
    """A TCP relay in front of the service: the page behind it loses its connections when
    `cut()` is called (open ones closed, new ones refused) until `restore()`."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.refusing = False
        self.writers: set[asyncio.StreamWriter] = set()
        self.server: asyncio.Server | None = None

    async def start(self) -> CuttableProxy:
        self.server = await asyncio.start_server(self._client, "127.0.0.1", self.port)
        return self

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.refusing:
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self.writers |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        self.writers -= {writer, up_writer}

    def cut(self) -> None:
        self.refusing = True
        for w in list(self.writers):
            w.close()

    def restore(self) -> None:
        self.refusing = False

    async def close(self) -> None:
        self.cut()
        if self.server is not None:
            self.server.close()


@contextlib.asynccontextmanager
async def browser() -> AsyncIterator[Any]:
    executable = chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=executable, args=FLAGS, headless=True)
        try:
            yield b
        finally:
            await b.close()


async def sign_in(b: Any, base_url: str, county: str, phone: str, **context: Any) -> Any:
    """A page of a new browser context, signed in to the console (its inbox shown)."""
    ctx = await b.new_context(**context)
    page = await ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.problems = problems  # type: ignore[attr-defined]
    await page.goto(f"{base_url}/console/?county={county}")
    await page.fill("input[name=phone]", phone)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("form button[type=submit]")
    await page.wait_for_selector("#case-list[data-loaded]")
    return page


async def open_tab(page: Any, tab: str) -> None:
    await page.click(f'.tabs button[data-tab="{tab}"]')
    await page.wait_for_selector(f'#case-list[data-loaded="{tab}"]')


async def history_types(page: Any) -> list[str]:
    return await page.eval_on_selector_all("#history li", "els => els.map(e => e.dataset.type)")


async def wait_history(page: Any, event_type: str) -> None:
    await page.wait_for_selector(f'#history li[data-type="{event_type}"]')


async def slow_case_reads(route: Any) -> None:
    """A Playwright route that holds the case page's reads of the case for a second."""
    if "query CaseDetail" in (route.request.post_data or ""):
        await asyncio.sleep(1.0)
    await route.continue_()


async def status_is(page: Any, text: str) -> None:
    await page.wait_for_selector(f'#action-status:text("{text}")')


async def tab_to(page: Any, selector: str, limit: int = 60) -> dict[str, Any]:
    """Press Tab until `selector` has the focus; returns how its focus looks."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        focus = await page.evaluate(
            """s => { const e = document.activeElement;
               if (!e || !e.matches(s)) return null;
               const c = getComputedStyle(e);
               return {outline: c.outlineStyle, width: c.outlineWidth, visible: e.matches(':focus-visible')}; }""",
            selector,
        )
        if focus is not None:
            return focus
    raise AssertionError(f"{selector} is not reachable with Tab")


async def unlabelled_inputs(page: Any) -> list[str]:
    return await page.eval_on_selector_all(
        "input, select, textarea",
        "els => els.filter(e => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => (e.closest('form')?.className ?? '') + ' ' + e.outerHTML + ' ' + document.querySelectorAll('label[for="
        " + e.id + "
        "]').length)",
    )


async def test_a_case_from_intake_to_rating_across_two_units_in_the_console(
    server, gql, owner_db, tmp_path
):
    shots = artefacts(tmp_path, "console")
    print(f"console screenshots: {shots}")
    w = await make_world(server)
    community_staff = await make_user(
        server, w.county, roles=[(Role.DEPARTMENT_STAFF, w.village)], name="北街社区小赵"
    )
    # given: a citizen's demand, classified 研究办 by the county office (a deadline to show)
    raised = await raise_case(
        gql, w.citizen.token, online("小区加装电梯", "三号楼老人多，希望加装电梯。")
    )
    case = raised["case"]
    classified = await act(
        gql,
        CLASSIFY,
        {"c": case["id"], "k": "DEMAND", "m": "PUBLIC_INTEREST", "h": "RESEARCH"},
        w.admin.token,
    )
    due = classified["case"]["dueOn"]
    provisional = (
        await gql.data(
            "query($id: ID!) { node(id: $id) { ... on Case { dueProvisional } } }",
            {"id": case["id"]},
            token=w.admin.token,
        )
    )["node"]["dueProvisional"]
    proxy = await CuttableProxy(int(server.base_url.rsplit(":", 1)[1])).start()
    proxied = f"http://127.0.0.1:{proxy.port}"
    case_url = f"/console/cases/{quote(case['id'], safe='')}"

    async with browser() as b:
        try:
            # the county office finds it among 新件 and dispatches it to the township (A)
            office = await sign_in(b, server.base_url, w.county.slug, w.admin.phone)
            await office.wait_for_selector(f'a[href="{case_url}"]')
            assert await office.inner_text("#unit-name") == w.county.name
            await office.screenshot(path=shots / "01-office-inbox.png", full_page=True)
            await office.click(f'a[href="{case_url}"]')
            await office.wait_for_selector(".dispatch-form")
            deadline = await office.inner_text(".case-head .deadline")
            assert f"办理时限 {due}" in deadline
            assert ("暂定" in deadline) is provisional
            await office.select_option(".dispatch-form select[name=unitId]", w.unit(w.township))
            await office.select_option(".dispatch-form select[name=role]", "LEAD")
            await office.click(".dispatch-form button[type=submit]")
            await status_is(office, "已派单")
            await wait_history(office, "case.dispatched")

            # A signs for it (through the proxy: A's page is the one whose line is cut later)
            a = await sign_in(b, proxied, w.county.slug, w.township_staff.phone)
            await open_tab(a, "sign")
            await a.click(f'a[href="{case_url}"]')
            await a.click("#sign")
            await status_is(a, "已签收")
            await wait_history(a, "case.signed")
            assert await unlabelled_inputs(a) == []
            # … and transfers it down to the community (B)
            await a.wait_for_selector(
                f'.transfer-form select[name=unitId] option[value="{w.unit(w.village)}"]',
                state="attached",
            )
            await a.select_option(".transfer-form select[name=direction]", "DOWN")
            await a.select_option(".transfer-form select[name=unitId]", w.unit(w.village))
            await a.fill(".transfer-form textarea[name=reason]", "属北街社区辖区，请社区办理")
            # the case comes back slowly (a loaded server): the transfer's line, once shown,
            # must already name the new unit, which only the reloaded case's assignments know
            await a.route("**/graphql", slow_case_reads)
            await a.click(".transfer-form button[type=submit]")
            await status_is(a, "已转办")
            await wait_history(a, "case.escalated")
            assert "葛城街道 → 北街社区 · 理由：属北街社区辖区，请社区办理" in await a.inner_text(
                "#history"
            )
            await a.unroute("**/graphql", slow_case_reads)
            await a.screenshot(path=shots / "02-township-case.png", full_page=True)

            # A's line is cut: the banner says so while B works
            await a.evaluate("window.__stillTheSamePage = true")
            proxy.cut()
            await a.wait_for_selector("#connection-banner:visible")
            assert await a.inner_text("#connection-banner") == "连接已断开，正在重新连接…"
            await a.screenshot(path=shots / "03-township-reconnecting.png", full_page=True)

            # B, at 360 px: the inbox fits the screen, and signing is done with the keyboard
            small = {"viewport": {"width": 360, "height": 740}}
            bb = await sign_in(b, server.base_url, w.county.slug, community_staff.phone, **small)
            await open_tab(bb, "sign")
            await bb.wait_for_selector(f'a[href="{case_url}"]')
            widths = await bb.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert widths[0] <= widths[1] == 360, widths
            await bb.screenshot(path=shots / "04-community-inbox-360.png", full_page=True)
            focus = await tab_to(bb, f'a[href="{case_url}"]')
            assert focus["visible"] and focus["outline"] != "none", focus
            await bb.keyboard.press("Enter")
            await bb.wait_for_selector("#sign")
            focus = await tab_to(bb, "#sign")
            assert focus["visible"] and focus["outline"] != "none", focus
            await bb.keyboard.press("Enter")
            await status_is(bb, "已签收")
            assert await bb.evaluate(
                "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
            )
            assert await unlabelled_inputs(bb) == []

            # a blank reply: the API's typed error shows next to the field, nothing is written
            await bb.select_option(".reply-form select[name=kind]", "RESULT")
            await bb.fill(".reply-form textarea[name=body]", "   ")
            await bb.click(".reply-form button[type=submit]")
            error = bb.locator('.reply-form [data-error-for="body"]')
            await error.wait_for(state="visible")
            assert await error.inner_text() == "答复内容不能为空"
            assert (
                await bb.get_attribute(".reply-form textarea[name=body]", "aria-invalid") == "true"
            )
            await bb.screenshot(path=shots / "05-community-reply-error-360.png", full_page=True)
            replies = await owner_db.fetchval(
                "SELECT count(*) FROM case_replies WHERE tenant_id = $1", w.county.id
            )
            assert replies == 0
            # the result
            await bb.fill(
                ".reply-form textarea[name=body]", "已联系住建部门，电梯加装纳入明年计划。"
            )
            await bb.click(".reply-form button[type=submit]")
            await status_is(bb, "已答复")
            await wait_history(bb, "case.answered")

            # A's line comes back: the banner goes, the page catches up from `after`
            proxy.restore()
            await a.wait_for_selector("#connection-banner", state="hidden", timeout=30_000)
            await wait_history(a, "case.answered")
            assert await a.evaluate("window.__stillTheSamePage === true")

            # the citizen rates it: A's open page shows it live
            await act(gql, RATE, {"c": case["id"], "s": "SATISFIED", "t": None}, w.citizen.token)
            await wait_history(a, "case.closed")
            await a.wait_for_selector('.case-head .badge:text("已办结")')
            await a.screenshot(path=shots / "06-township-closed.png", full_page=True)

            # A's live history is the case's log, each event once, in order
            logged = (
                await gql.data(
                    STREAM_EVENTS, {"s": case["stream"], "first": 100}, token=w.township_staff.token
                )
            )["streamEvents"]
            assert await history_types(a) == [e["type"] for e in logged]
            assert [e["type"] for e in logged][-3:] == [
                "case.answered",
                "case.rated",
                "case.closed",
            ]
            for page in (office, a, bb):
                assert not [p for p in page.problems if "Content Security Policy" in p], (
                    page.problems
                )
        finally:
            await proxy.close()

    state = await owner_db.fetchval(
        "SELECT state FROM cases WHERE tenant_id = $1 AND number = $2", w.county.id, case["number"]
    )
    assert state == "CLOSED"


async def test_the_statistics_board_draws_its_charts_downloads_the_xlsx_and_signs_out(
    server, gql, tmp_path
):
    shots = artefacts(tmp_path, "console")
    w = await make_world(server)
    # given: one case answered by the county office and rated 满意, one still open
    answered = (await raise_case(gql, w.citizen.token, online()))["case"]
    await raise_case(gql, w.other_citizen.token, online("垃圾清运不及时", "小区垃圾三天没人清运。"))
    await act(
        gql,
        REPLY,
        {"c": answered["id"], "k": "RESULT", "b": "路灯已修复。", "a": None},
        w.admin.token,
    )
    await act(gql, RATE, {"c": answered["id"], "s": "SATISFIED", "t": None}, w.citizen.token)
    wrong = """mutation($p: String!) { login(input: {phone: $p, password: "not-the-password"}) {
      errors { field message } } }"""
    (expected,) = (await gql.data(wrong, {"p": w.admin.phone}, tenant=w.county.slug))["login"][
        "errors"
    ]
    async with browser() as b:
        # a refused sign-in shows the API's error where it belongs (its field, else the top)
        ctx = await b.new_context()
        refused = await ctx.new_page()
        await refused.goto(f"{server.base_url}/console/?county={w.county.slug}")
        await refused.fill("input[name=phone]", w.admin.phone)
        await refused.fill("input[name=password]", "not-the-password")
        await refused.click("form button[type=submit]")
        where = f'[data-error-for="{expected["field"]}"]' if expected["field"] else "form > .error"
        await refused.wait_for_selector(f"{where}:visible", timeout=TIMEOUT)
        assert await refused.inner_text(where) == expected["message"]
        await ctx.close()

        page = await sign_in(
            b, server.base_url, w.county.slug, w.admin.phone, accept_downloads=True
        )
        # an access token about to expire is refreshed (rotated) before the next request
        before = await page.evaluate(
            """() => { const s = JSON.parse(sessionStorage.getItem('yishi.console.session'));
               s.accessTokenExpiresAt = new Date(Date.now() + 5000).toISOString();
               sessionStorage.setItem('yishi.console.session', JSON.stringify(s)); return s; }"""
        )
        await page.click('nav a:text("统计")')
        for chart in (
            "chart-rates",
            "chart-three",
            "chart-satisfaction",
            "chart-ranking",
            "chart-topics",
        ):
            await page.wait_for_selector(f"#{chart} canvas")
        kpis = dict(
            zip(
                await page.eval_on_selector_all(".kpi-label", "els => els.map(e => e.textContent)"),
                await page.eval_on_selector_all(".kpi-value", "els => els.map(e => e.textContent)"),
                strict=True,
            )
        )
        assert kpis["受理"] == "2" and kpis["办结率"] == "50.0%" and kpis["满意率"] == "100.0%"
        assert await page.inner_text(".figures tr.total th") == "合计"
        await page.screenshot(path=shots / "07-statistics.png", full_page=True)
        async with page.expect_download() as download:
            await page.click("#export-xlsx")
        saved = shots / "statistics.xlsx"
        await (await download.value).save_as(saved)
        assert saved.read_bytes()[:2] == b"PK"  # an .xlsx is a zip
        assert not [p for p in page.problems if "Content Security Policy" in p], page.problems

        # signing out revokes the refresh token and forgets the session
        session = await page.evaluate("JSON.parse(sessionStorage.getItem('yishi.console.session'))")
        assert session["refreshToken"] != before["refreshToken"]
        # (the access token may read the same: a JWT of the same second and claims)
        expires = [datetime.fromisoformat(x["accessTokenExpiresAt"]) for x in (before, session)]
        assert expires[1] - expires[0] > timedelta(minutes=1)
        await page.click('button:text("退出")')
        await page.wait_for_selector("input[name=phone]")
        assert await page.evaluate("sessionStorage.getItem('yishi.console.session')") is None
        again = await gql.data(
            """mutation($r: String!) { refreshToken(refreshToken: $r) {
              tokens { accessToken } errors { code } } }""",
            {"r": session["refreshToken"]},
            tenant=w.county.slug,
        )
        assert again["refreshToken"]["tokens"] is None


async def test_a_unit_sends_a_case_back_and_the_county_office_finds_it_among_the_returned(
    server, gql, owner_db, tmp_path
):
    shots = artefacts(tmp_path, "console")
    w = await make_world(server)
    case = (await raise_case(gql, w.citizen.token, online("河道垃圾", "河道里垃圾很多。")))["case"]
    case_url = f"/console/cases/{quote(case['id'], safe='')}"
    async with browser() as b:
        office = await sign_in(b, server.base_url, w.county.slug, w.admin.phone)
        await office.click(f'a[href="{case_url}"]')
        await office.select_option(".dispatch-form select[name=unitId]", w.unit(w.department))
        await office.click(".dispatch-form button[type=submit]")
        await status_is(office, "已派单")

        dept = await sign_in(b, server.base_url, w.county.slug, w.department_staff.phone)
        await open_tab(dept, "sign")
        await dept.click(f'a[href="{case_url}"]')
        # a return without a reason: the API's error under the reason, nothing written
        await dept.click(".return-form button[type=submit]")
        error = dept.locator('.return-form [data-error-for="reason"]')
        await error.wait_for(state="visible")
        assert await error.inner_text() == "退单理由不能为空"
        assert (
            await owner_db.fetchval(
                "SELECT bounce_count FROM cases WHERE tenant_id = $1", w.county.id
            )
            == 0
        )
        await dept.fill(".return-form textarea[name=reason]", "河道保洁属水务部门职责")
        await dept.click(".return-form button[type=submit]")
        await status_is(dept, "已退单")
        await wait_history(dept, "case.returned")
        await dept.screenshot(path=shots / "08-department-returned.png", full_page=True)

        # the county office's inbox has it under 退回, not under 新件; its page offers 重派
        await office.goto(f"{server.base_url}/console/inbox")
        await open_tab(office, "returned")
        await office.wait_for_selector(f'a[href="{case_url}"]')
        # each tab shows its count (caseInboxCounts): the one case, under 退回 only
        counts = await office.eval_on_selector_all(
            ".tabs [data-count]",
            "els => Object.fromEntries(els.map(e => [e.dataset.count, e.textContent]))",
        )
        assert counts == {
            "new": "0",
            "sign": "0",
            "handling": "0",
            "soon": "0",
            "overdue": "0",
            "returned": "1",
        }
        await office.screenshot(path=shots / "09-office-returned.png", full_page=True)
        await open_tab(office, "new")
        assert await office.locator(f'a[href="{case_url}"]').count() == 0
        await open_tab(office, "returned")
        await office.click(f'a[href="{case_url}"]')
        await office.wait_for_selector('.dispatch-form h3:text("重派")')
        await wait_history(office, "case.returned")
        history = await office.inner_text("#history")
        assert "派单 县住建委 · 主办" in history
        assert "退单 县住建委 · 理由：河道保洁属水务部门职责" in history
