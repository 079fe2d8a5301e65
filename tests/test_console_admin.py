"""The console's administration (县级管理员) in a real browser (Debian's Chromium, driven by
Playwright's driver): a county admin walks the org tree by keyboard only (the ARIA tree's
arrow keys), adds a unit under the county, adds a venue to it and edits it, creates a staff
account (a second one with the same phone gets the error next to the phone field) and
grants it a role in the new unit (the same grant again: its error next to the role),
changes a rule of the rulebook (a comment period below the national minimum without a
reason, and a zero, refused in place naming the rule and its source; then accepted with
the reason, which the rule shows), and finds each of these actions in the audit log
filtered by action. Every page renders at 360 px without sideways scrolling, and every
input has a label.

Screenshots go to `$YISHI_ARTEFACTS/console-admin` when set, else the test's tmp_path
(the path is printed)."""

from __future__ import annotations

from typing import Any

from backend.people.models import Role
from tenants.models import OrgUnitKind
from tests.browser import artefacts
from tests.factories.people import PASSWORD, make_user, next_phone
from tests.factories.tenants import gid, make_county, make_unit
from tests.test_console_browser import browser, sign_in, tab_to, unlabelled_inputs

COMMENT = "decision.public_comment_period"


async def focused_unit(page: Any) -> dict[str, Any]:
    return await page.evaluate(
        """() => { const e = document.activeElement;
           return {unit: e?.dataset?.unit ?? null, role: e?.getAttribute('role'),
                   expanded: e?.getAttribute('aria-expanded'),
                   selected: e?.getAttribute('aria-selected'),
                   level: e?.getAttribute('aria-level')}; }"""
    )


async def status_is(page: Any, text: str) -> None:
    await page.wait_for_selector(f'#admin-status:has-text("{text}")')


async def field_error(page: Any, form: str, name: str) -> str:
    selector = f'{form} [data-error-for="{name}"]'
    await page.wait_for_selector(f"{selector}:not([hidden])")
    return await page.inner_text(selector)


async def no_sideways_scroll(page: Any) -> bool:
    return await page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


async def test_a_county_admin_runs_the_administration_pages(server, gql, owner_db, tmp_path):
    shots = artefacts(tmp_path, "console-admin")
    print(f"console admin screenshots: {shots}")
    county = await make_county(server, name="城口县")
    street = await make_unit(server, county, kind=OrgUnitKind.SUBDISTRICT, name="葛城街道")
    community = await make_unit(
        server, county, parent_id=street, kind=OrgUnitKind.COMMUNITY, name="北街社区"
    )
    for n in range(21):  # more people than one page (20)
        await make_user(server, county, roles=[(Role.CITIZEN, None)], name=f"居民{n:02d}")
    root, street_id, community_id = (
        gid("OrgUnit", county.root_id),
        gid("OrgUnit", street),
        gid("OrgUnit", community),
    )

    async with browser() as b:
        page = await sign_in(b, server.base_url, county.slug, county.admin.phone)
        failed: list[str] = []  # answers ≥ 400 (the browser's own /favicon.ico aside)
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        await page.click("#nav-admin")
        await page.wait_for_selector("#org-tree[data-loaded]")

        # the tree by keyboard only: one item in the Tab order, arrows move, open and close
        focus = await tab_to(page, "#org-tree [role=treeitem]")
        assert focus["visible"], focus
        ring = await page.evaluate(
            """() => { const c = getComputedStyle(document.activeElement.querySelector('.tree-label'));
               return [c.outlineStyle, c.outlineWidth, c.boxShadow]; }"""
        )
        assert ring[0] == "solid" and ring[1] == "3px" and ring[2] != "none", ring
        assert await focused_unit(page) == {
            "unit": root,
            "role": "treeitem",
            "expanded": "true",
            "selected": "false",
            "level": "1",
        }
        await page.keyboard.press("ArrowDown")
        now = await focused_unit(page)
        assert (now["unit"], now["expanded"], now["level"]) == (street_id, "false", "2")
        assert await page.locator(f'[data-unit="{community_id}"]').count() == 0  # closed
        await page.keyboard.press("ArrowRight")  # opens
        assert (await focused_unit(page))["expanded"] == "true"
        await page.keyboard.press("ArrowRight")  # to the first child
        now = await focused_unit(page)
        assert (now["unit"], now["level"], now["expanded"]) == (community_id, "3", None)
        await page.keyboard.press("ArrowLeft")  # up to the parent
        assert (await focused_unit(page))["unit"] == street_id
        await page.keyboard.press("ArrowLeft")  # closes
        assert (await focused_unit(page))["expanded"] == "false"
        await page.keyboard.press("End")
        assert (await focused_unit(page))["unit"] == street_id
        await page.keyboard.press("Home")
        await page.keyboard.press("Enter")  # selects the county
        assert (await focused_unit(page))["selected"] == "true"
        tabbable = await page.eval_on_selector_all(
            "#org-tree [role=treeitem]", "els => els.filter(e => e.tabIndex === 0).length"
        )
        assert tabbable == 1

        # a unit under the county
        await page.wait_for_selector(".add-unit-form")
        await page.select_option(".add-unit-form select[name=kind]", "TOWNSHIP")
        await page.fill(".add-unit-form input[name=name]", "")
        await page.click(".add-unit-form button[type=submit]")
        assert "名称" in await field_error(page, ".add-unit-form", "name")
        await page.fill(".add-unit-form input[name=name]", "北屏乡")
        await page.click(".add-unit-form button[type=submit]")
        await status_is(page, "已新增“北屏乡”")
        await page.wait_for_selector('#org-tree [role=treeitem]:has-text("北屏乡")')
        township = (
            await gql.data(
                "query { orgUnits(kinds: [TOWNSHIP]) { edges { node { id name } } } }",
                token=county.admin.token,
            )
        )["orgUnits"]["edges"]
        (township_id,) = [e["node"]["id"] for e in township if e["node"]["name"] == "北屏乡"]
        # another admin's unit shows live, without a reload, the form left as typed
        await page.fill(".rename-form input[name=code]", "正在输入")
        created = await gql.data(
            "mutation($input: CreateOrgUnitInput!) { createOrgUnit(input: $input) "
            "{ errors { code } } }",
            {"input": {"parentId": root, "kind": "TOWNSHIP", "name": "庙坝镇"}},
            token=county.admin.token,
        )
        assert created["createOrgUnit"]["errors"] == []
        await page.wait_for_selector('#org-tree [role=treeitem]:has-text("庙坝镇")')
        assert await page.input_value(".rename-form input[name=code]") == "正在输入"
        assert await unlabelled_inputs(page) == []
        await page.screenshot(path=shots / "01-org-tree.png", full_page=True)

        # a venue of the new township, then its address
        await page.click('.admin-nav a:has-text("说事场所")')
        await page.wait_for_selector("#venue-list[data-loaded]")
        await page.select_option(".add-venue-form select[name=orgUnitId]", township_id)
        await page.select_option(".add-venue-form select[name=level]", "STATION")
        await page.fill(".add-venue-form input[name=name]", "北屏乡群众说事处")
        await page.click(".add-venue-form button[type=submit]")
        assert "乡镇" in await field_error(
            page, ".add-venue-form", "level"
        )  # 说事站 is a village's
        await page.select_option(".add-venue-form select[name=level]", "OFFICE")
        await page.click(".add-venue-form button[type=submit]")
        await status_is(page, "已新增“北屏乡群众说事处”")
        row = page.locator('#venue-list li:has-text("北屏乡群众说事处")')
        await row.locator("button").click()
        await page.fill(".edit-venue-form input[name=address]", "北屏乡政府一楼")
        await page.click(".edit-venue-form button[type=submit]")
        await status_is(page, "已保存“北屏乡群众说事处”")
        await page.wait_for_selector('#venue-list li:has-text("北屏乡政府一楼")')
        assert await unlabelled_inputs(page) == []
        await page.screenshot(path=shots / "02-venues.png", full_page=True)

        # a staff account; the same phone again is refused next to the phone field
        await page.click('.admin-nav a:has-text("人员与角色")')
        await page.wait_for_selector("#user-list[data-loaded]")
        # 22 people (the admin and 21 residents): two pages, and back
        names = "els => els.map(e => e.querySelector('strong').textContent)"
        first_page = await page.eval_on_selector_all("#user-list li[data-user]", names)
        assert len(first_page) == 20
        await page.click(".pager [data-page=next]")
        await page.wait_for_selector('.pager span:has-text("第 2 页")')
        second_page = await page.eval_on_selector_all("#user-list li[data-user]", names)
        assert len(second_page) == 2 and not set(first_page) & set(second_page)
        assert len(set(first_page) | set(second_page)) == 22
        assert await page.is_disabled(".pager [data-page=next]")
        await page.click(".pager [data-page=prev]")
        await page.wait_for_selector('.pager span:has-text("第 1 页")')
        assert await page.is_disabled(".pager [data-page=prev]")
        # search by name
        await page.fill("#user-search", "居民07")
        await page.click("form[role=search] button[type=submit]")
        await page.wait_for_selector('#user-list[data-loaded="1"]')
        assert "居民07" in await page.inner_text("#user-list")
        phone = next_phone()
        for name in ("北屏乡小王", "北屏乡小李"):
            await page.fill(".create-user-form input[name=displayName]", name)
            await page.fill(".create-user-form input[name=phone]", phone)
            await page.fill(".create-user-form input[name=password]", PASSWORD)
            await page.click(".create-user-form button[type=submit]")
            if name == "北屏乡小王":
                await status_is(page, "已创建账号“北屏乡小王”")
        assert "已注册" in await field_error(page, ".create-user-form", "phone")
        assert (
            await page.get_attribute(".create-user-form input[name=phone]", "aria-invalid")
            == "true"
        )
        await page.screenshot(path=shots / "03-duplicate-phone.png", full_page=True)
        # its role in the new township; granting it twice names the role field
        await page.wait_for_selector('#user-list li:has-text("北屏乡小王")')
        await page.click('#user-list li:has-text("北屏乡小王") [data-manage]')
        for attempt in range(2):
            await page.select_option(".grant-form select[name=role]", "DEPARTMENT_STAFF")
            await page.select_option(".grant-form select[name=orgUnitId]", township_id)
            await page.click(".grant-form button[type=submit]")
            if attempt == 0:
                await status_is(page, "已授予北屏乡小王承办单位工作人员角色")
                await page.wait_for_selector('#memberships li:has-text("北屏乡")')
        assert "已拥有" in await field_error(page, ".grant-form", "role")
        # 停用 and 启用 again
        await page.click("#toggle-active")
        await status_is(page, "北屏乡小王的账号已停用")
        await page.wait_for_selector(
            '#user-list li:has-text("北屏乡小王") .badge:has-text("已停用")'
        )
        await page.wait_for_selector('#toggle-active:has-text("启用账号")')
        await page.click("#toggle-active")
        await status_is(page, "北屏乡小王的账号已启用")
        await page.wait_for_selector('#toggle-active:has-text("停用账号")')
        assert await unlabelled_inputs(page) == []
        await page.screenshot(path=shots / "04-people.png", full_page=True)

        # the rulebook: each rule with its legal source; below the national minimum refused
        await page.click('.admin-nav a:has-text("议事规则")')
        await page.wait_for_selector("#rule-list[data-loaded]")
        card = page.locator(f'[data-rule="{COMMENT}"]')
        assert await card.locator(".rule-value").inner_text() == "30日"
        assert "重大行政决策程序暂行条例" in await card.locator(".rule-source").inner_text()
        await card.locator("[data-edit]").click()
        form = f'[data-rule="{COMMENT}"] .rule-form'
        await page.fill(f"{form} input[name=value]", "10")
        await page.fill(f"{form} input[name=source]", "《城口县重大行政决策公众参与制度》第九条")
        await page.click(f"{form} button[type=submit]")
        refusal = await field_error(page, form, "value")
        assert "重大行政决策程序暂行条例" in refusal and "30日" in refusal and "理由" in refusal
        await page.screenshot(path=shots / "05-rule-refused.png", full_page=True)
        await page.fill(f"{form} input[name=value]", "0")
        await page.click(f"{form} button[type=submit]")
        await page.wait_for_selector(f'{form} [data-error-for="value"]:has-text("正整数")')
        await page.fill(f"{form} input[name=value]", "10")
        await page.fill(f"{form} textarea[name=reason]", "汛期抢险工程，情况紧急")
        await page.click(f"{form} button[type=submit]")
        await status_is(page, "已改为10日")
        await page.wait_for_selector(f'[data-rule="{COMMENT}"] .rule-value:has-text("10日")')
        assert "汛期抢险工程" in await page.inner_text(f'[data-rule="{COMMENT}"]')
        assert await unlabelled_inputs(page) == []

        # each action in the audit log, filtered by action
        await page.click('.admin-nav a:has-text("操作日志")')
        await page.wait_for_selector("#audit-list[data-loaded]")
        for action, text in (
            ("orgUnit.create", "北屏乡"),
            ("venue.create", "北屏乡群众说事处"),
            ("venue.update", "北屏乡政府一楼"),
            ("user.create", "北屏乡小王"),
            ("membership.grant", "DEPARTMENT_STAFF"),
            ("user.deactivate", "isActive：true → false"),
            ("rule.set", "汛期抢险工程"),
        ):
            await page.select_option(".audit-filter select[name=action]", action)
            await page.click(".audit-filter button[type=submit]")
            await page.wait_for_selector(f'#audit-list[data-loaded^="{action}|"]')
            actions = await page.eval_on_selector_all(
                "#audit-list li", "els => els.map(e => e.dataset.action)"
            )
            assert actions and set(actions) == {action}, (action, actions)
            assert text in await page.inner_text("#audit-list"), action
        assert await unlabelled_inputs(page) == []
        await page.screenshot(path=shots / "06-audit-rule-set.png", full_page=True)
        assert [u for u in failed if not u.endswith("/favicon.ico")] == [], failed
        assert [p for p in page.problems if "Failed to load resource" not in p] == []

        # every page at 360 px: no sideways scrolling
        small = await sign_in(
            b,
            server.base_url,
            county.slug,
            county.admin.phone,
            viewport={"width": 360, "height": 740},
        )
        for path, ready, shot in (
            ("/admin", "#org-tree[data-loaded]", "07-org-360.png"),
            ("/admin/venues", "#venue-list[data-loaded]", "08-venues-360.png"),
            ("/admin/people", "#user-list[data-loaded]", "09-people-360.png"),
            ("/admin/rules", "#rule-list[data-loaded]", "10-rules-360.png"),
            ("/admin/audit", "#audit-list[data-loaded]", "11-audit-360.png"),
        ):
            await small.goto(f"{server.base_url}/console{path}")
            await small.wait_for_selector(ready)
            assert await no_sideways_scroll(small), path
            await small.screenshot(path=shots / shot, full_page=True)
        assert [p for p in small.problems if "Failed to load resource" not in p] == []
