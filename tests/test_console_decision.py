"""The decision tracker (重大行政决策跟踪) of the staff console in a real browser (Debian's
Chromium, Playwright's driver): a decision blocked at the gate and then allowed. The lead
unit (a township) opens a decision whose 公众参与 and 合法性审查 are not completed, with
opinions unanswered and no participation report; it tries to move to 集体讨论决定 and sees
each missing item listed in Chinese, as the API gives them. A citizen's comment arriving
meanwhile shows live (the decision's stream). The lead unit answers the opinions — one 不予采纳
without a reason is refused next to the reason field, nothing written — generates the
report, completes the two steps (responsible person, an uploaded document), and the move
is allowed. The hearing panel shows the draw's published inputs and each applicant's
probability by pool id; the page fits a 360 px screen; every input has a label.

Screenshots go to `$YISHI_ARTEFACTS/console-decision` when set, else the test's tmp_path."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from tests.browser import artefacts
from tests.cases_world import make_world
from tests.factories.decisions import (
    ANSWER,
    COMMENT,
    DECISION,
    PEOPLE,
    RECORD_OPINION,
    START,
    act,
    add_version,
    finish_step,
    make_decision,
    open_consultation,
)
from tests.factories.hearings import HEARING, drawn_hearing
from tests.test_console_browser import browser, sign_in, status_is, tab_to, unlabelled_inputs


async def gate_items(page: Any) -> list[str]:
    return await page.eval_on_selector_all("#gate-errors li", "els => els.map(e => e.textContent)")


async def test_a_decision_blocked_at_the_gate_and_then_allowed(server, gql, tmp_path):
    shots = artefacts(tmp_path, "console-decision")
    print(f"console decision screenshots: {shots}")
    w = await make_world(server)
    staff = w.township_staff
    # given: a decision of the township, in 公众参与 (comment period open), expert review and
    # risk assessment done, legality review started with a responsible person but no document
    decision = (
        await make_decision(gql, staff.token, w.unit(w.township), co=[w.unit(w.department)])
    )["id"]
    await add_version(gql, staff.token, decision)
    await open_consultation(gql, staff.token, decision)
    for step in ("EXPERT_REVIEW", "RISK_ASSESSMENT"):
        await act(gql, START, {"d": decision, "s": step}, staff.token)
        await finish_step(gql, staff.token, decision, step, staff.gid)
    await act(gql, START, {"d": decision, "s": "LEGALITY_REVIEW"}, staff.token)
    await act(gql, PEOPLE, {"d": decision, "s": "LEGALITY_REVIEW", "u": [staff.gid]}, staff.token)
    await act(
        gql, COMMENT, {"d": decision, "b": "收费时段应避开早晚接送孩子的时间。"}, w.citizen.token
    )
    written = await act(
        gql,
        RECORD_OPINION,
        {"i": {"decisionId": decision, "channel": "WRITTEN", "body": "建议增设残疾人专用泊位。"}},
        staff.token,
    )
    await act(gql, ANSWER, {"o": written["opinion"]["id"], "x": "ADOPTED"}, staff.token)
    # and a hearing of the decision, drawn (10 applicants for 10 seats, 6 for 4 stakeholders)
    scene = await drawn_hearing(server, gql, w.county, decision_id=decision)
    hearing = (await gql.data(HEARING, {"id": scene.id}, token=w.admin.token))["node"]
    url = f"/console/decisions/{quote(decision, safe='')}"

    async with browser() as b:
        page = await sign_in(b, server.base_url, w.county.slug, staff.phone)
        await page.click('nav a[href="/console/decisions"]')
        await page.wait_for_selector("#decision-list[data-loaded]")
        await page.click('.tabs button[data-tab="LEGALITY_REVIEW"]')
        await page.wait_for_selector('#decision-list[data-loaded="LEGALITY_REVIEW"]')
        meta = await page.inner_text(f'li[data-decision="{decision}"] .meta')
        assert "推进中" in meta and "当前步骤：合法性审查" in meta and "尚缺 4 项" in meta, meta
        await page.click('.tabs button[data-tab="DECIDED"]')
        await page.wait_for_selector('#decision-list[data-loaded="DECIDED"]')
        assert await page.locator(f'li[data-decision="{decision}"]').count() == 0
        await page.goto(f"{server.base_url}{url}")
        await page.wait_for_selector("#stepper li[data-step]")
        statuses = await page.eval_on_selector_all(
            "#stepper > li", "els => els.map(e => [e.dataset.step, e.dataset.status])"
        )
        assert statuses == [
            ["PUBLIC_PARTICIPATION", "active"],
            ["EXPERT_REVIEW", "done"],
            ["RISK_ASSESSMENT", "done"],
            ["LEGALITY_REVIEW", "active"],
            ["COLLECTIVE_DECISION", "todo"],
        ]
        assert "尚无材料" in await page.inner_text('#stepper li[data-step="LEGALITY_REVIEW"]')
        assert await unlabelled_inputs(page) == []

        # a co-unit (协办单位) sees the same steps and gate, but no form to run them
        co = await sign_in(b, server.base_url, w.county.slug, w.department_staff.phone)
        await co.goto(f"{server.base_url}{url}")
        await co.wait_for_selector("#gate-missing li")
        await co.wait_for_selector("#opinions .opinion-list > li")
        assert await co.locator("#main form, #start-collective").count() == 0
        assert await co.locator("#stepper > li").count() == 5
        await co.context.close()

        # when: the move to 集体讨论决定 is tried (by keyboard, the focus visible)
        focus = await tab_to(page, "#start-collective", limit=120)
        assert focus["visible"] and focus["outline"] == "solid", focus
        await page.keyboard.press("Enter")
        await page.wait_for_selector("#gate-errors li")
        # then: each missing item, in Chinese, as the API says it; nothing started
        missing = (await gql.data(DECISION, {"id": decision}, token=staff.token))["decision"]
        assert await gate_items(page) == [e["message"] for e in missing["missingForDecision"]]
        assert await gate_items(page) == [
            "“公众参与”尚未完成，不能进入集体讨论决定",
            "“合法性审查”尚未完成，不能进入集体讨论决定",
            "尚有1条意见未逐条答复",
            "尚未形成意见收集和采纳情况报告，不能进入集体讨论决定",
        ]
        assert missing["currentStep"] == "LEGALITY_REVIEW"
        await page.screenshot(path=shots / "01-gate-refused.png", full_page=True)

        # a citizen's comment arrives while the page is open: it shows live
        late = await act(
            gql, COMMENT, {"d": decision, "b": "夜间应允许免费临时停车。"}, w.other_citizen.token
        )
        late_id = late["opinion"]["id"]
        await page.wait_for_selector(f'#opinions li[data-opinion="{late_id}"] form.answer-form')
        await page.wait_for_selector(
            '#gate-missing li[data-code="OPINIONS_UNANSWERED"]:text("尚有2条")'
        )

        # the first open opinion: 不予采纳 without a reason is refused next to the reason
        first = page.locator("#opinions .opinion-list > li").first
        first_id = await first.get_attribute("data-opinion")
        await first.locator("select[name=outcome]").select_option("NOT_ADOPTED")
        await first.locator("button[type=submit]").click()
        error = first.locator('.field-error[data-error-for="reason"]')
        await error.wait_for()
        assert (await error.inner_text()).strip() != ""
        assert await first.locator("textarea[name=reason]").get_attribute("aria-invalid") == "true"
        assert await page.evaluate("document.activeElement.name") == "reason"
        refused_state = (await gql.data(DECISION, {"id": decision}, token=staff.token))["decision"]
        by_id = {e["node"]["id"]: e["node"] for e in refused_state["opinions"]["edges"]}
        assert by_id[first_id]["outcome"] is None
        await page.screenshot(path=shots / "02-reason-required.png", full_page=True)
        await first.locator("textarea[name=reason]").fill("夜间免费将导致长期占用泊位，暂不采纳。")
        await first.locator("button[type=submit]").click()
        await status_is(page, "已答复意见")
        await page.wait_for_selector(
            f'#opinions .opinion-list > li[data-opinion="{first_id}"]', state="detached"
        )
        # the other one: adopted
        second = page.locator("#opinions .opinion-list > li").first
        await second.locator("select[name=outcome]").select_option("ADOPTED")
        await second.locator("button[type=submit]").click()
        await page.wait_for_selector("#no-open-opinions")

        # the participation report, then 公众参与 completed (responsible, a document)
        await page.click(".report-form button[type=submit]")
        await page.wait_for_selector("#report-facts code.hash")
        pp = '#stepper li[data-step="PUBLIC_PARTICIPATION"]'
        await page.select_option(f"{pp} .people-form select[name=userIds]", staff.gid)
        await page.click(f"{pp} .people-form button[type=submit]")
        await page.wait_for_selector(f"{pp} .responsible:text('街道办小刘')")
        await upload(page, pp, "公众参与情况说明.pdf")
        await page.click(f"{pp} .complete-form button[type=submit]")
        await page.wait_for_selector(f'{pp}[data-status="done"]')
        lr = '#stepper li[data-step="LEGALITY_REVIEW"]'
        await upload(page, lr, "合法性审查意见书.pdf")
        await page.click(f"{lr} .complete-form button[type=submit]")
        await page.wait_for_selector(f'{lr}[data-status="done"]')
        await page.wait_for_selector("#gate-ready")

        # then: the move is allowed
        await page.click("#start-collective")
        await page.wait_for_selector("#gate-open")
        await status_is(page, "已进入集体讨论决定")
        after = (await gql.data(DECISION, {"id": decision}, token=staff.token))["decision"]
        assert after["currentStep"] == "COLLECTIVE_DECISION"
        assert after["missingForDecision"] == []
        # oldest first: the first comment (refused, then not adopted), the letter, the late one
        assert [o["node"]["outcome"] for o in after["opinions"]["edges"]] == [
            "NOT_ADOPTED",
            "ADOPTED",
            "ADOPTED",
        ]
        await page.screenshot(path=shots / "03-gate-allowed.png", full_page=True)

        # the hearing panel: the draw's published inputs and every applicant's chance
        card = f'#hearings article[data-hearing="{scene.id}"]'
        await page.wait_for_selector(card)
        panel = await page.inner_text(card)
        assert hearing["poolHash"] in panel and hearing["seed"] in panel
        for wit in hearing["witnesses"]:
            assert wit["commitment"] in panel and wit["secret"] in panel
        rows = await page.eval_on_selector_all(
            f"{card} .hearing-pool tbody tr",
            "trs => trs.map(tr => [...tr.children].map(c => c.textContent))",
        )
        shown = {r[0]: (r[2], r[3]) for r in rows}
        outcome = {"SELECTED": "选中", "ALTERNATE": "候补", "NOT_SELECTED": "未选中"}
        assert len(shown) == len(hearing["pool"]) == 10
        for p in hearing["pool"]:
            probability, result = shown[p["poolId"]]
            assert probability == p["probability"]
            assert result.startswith(outcome[p["outcome"]])
        quotas = await page.eval_on_selector_all(
            f"{card} .hearing-quotas tbody tr",
            "trs => trs.map(tr => [...tr.children].map(c => c.textContent))",
        )
        assert quotas == [
            ["利害关系人", "4", "2", "6", "2/3"],
            ["社会公众", "3", "1", "3", "1/1"],
            ["专家学者", "3", "0", "1", "1/1"],
        ]
        await page.locator(card).screenshot(path=shots / "04-hearing-panel.png")
        assert not [p for p in page.problems if "Content Security Policy" in p], page.problems

        # the lead unit does not organise the hearing (the county does): no record before the seal
        assert await page.locator(f"{card} .hearing-record").count() == 0

        # the county office, on a 360 px screen: nothing wider than the screen, and the
        # hearing record (it organises the hearing) downloads as .docx
        small = await sign_in(
            b,
            server.base_url,
            w.county.slug,
            w.admin.phone,
            viewport={"width": 360, "height": 740},
            accept_downloads=True,
        )
        await small.goto(f"{server.base_url}{url}")
        await small.wait_for_selector(f"{card} .hearing-record")
        widths = await small.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], widths
        await small.screenshot(path=shots / "05-decision-360.png", full_page=True)
        async with small.expect_download() as got:
            await small.click(f"{card} .hearing-record")
        download = await got.value
        assert download.suggested_filename == "城区供水价格调整听证会-听证会记录.docx"
        saved = shots / "hearing-record.docx"
        await download.save_as(saved)
        assert saved.read_bytes()[:2] == b"PK"  # a .docx is a zip


async def upload(page: Any, step: str, name: str) -> None:
    """Upload a small file as the step's document through its form."""
    form = f"{step} .document-form"
    await page.set_input_files(
        f"{form} input[type=file]",
        files=[{"name": name, "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%test\n"}],
    )
    await page.click(f"{form} button[type=submit]")
    await page.wait_for_selector(f"{step} .documents li:text('{name}')")
