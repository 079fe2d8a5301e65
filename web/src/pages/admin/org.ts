// 组织架构: the county's org tree (县 → 乡镇/街道 → 村/社区 → 网格, and departments) as an
// ARIA tree (arrow keys move, → opens, ← closes or goes up, Home/End, Enter or Space
// selects; one item in the Tab order), and for the chosen unit: rename it (updateOrgUnit)
// or add a unit under it (createOrgUnit). The API has no move: a unit stays where it was
// added. The tree follows the county's `org` stream live (another admin's change shows
// without a reload; `live()` resumes with `after`), leaving the forms as they are.
import { live, mutate, query } from "../../api";
import { fill, h } from "../../dom";
import { field, form, input, select } from "../../forms";
import { graphql } from "../../gql";
import type { OrgUnitKind } from "../../gql/graphql";
import { CHILD_KINDS, ORG_KIND, label } from "../../labels";
import type { Page } from "../../router";
import { statusLine } from "../common";
import { adminHeader, allUnits, type AdminUnit } from "./common";

const CREATE_UNIT = graphql(`
  mutation AdminCreateUnit($input: CreateOrgUnitInput!) {
    createOrgUnit(input: $input) { orgUnit { id name kind } errors { field code message } }
  }
`);

const ORG_HEAD = graphql(`
  query AdminOrgHead { streamEventPage(stream: "org", first: 1) { headSeq } }
`);

const ORG_EVENTS = graphql(`
  subscription AdminOrgEvents($after: Int) { events(stream: "org", after: $after) { seq type } }
`);

const UPDATE_UNIT = graphql(`
  mutation AdminUpdateUnit($input: UpdateOrgUnitInput!) {
    updateOrgUnit(input: $input) { orgUnit { id name code } errors { field code message } }
  }
`);

export const orgPage: Page = async (main) => {
  document.title = "组织架构 · 议事工作台";
  const status = statusLine();
  status.id = "admin-status";
  const tree = h("ul", { role: "tree", id: "org-tree", class: "org-tree", "aria-label": "本县组织架构" });
  const detail = h("div", { class: "org-detail", id: "org-detail" });
  fill(
    main,
    ...adminHeader("/admin", "组织架构"),
    h("p", { class: "hint" }, "用方向键在树中移动：→ 展开，← 收起或回到上级，回车选中。"),
    status,
    h("div", { class: "admin-grid" }, h("section", { class: "card", "aria-label": "组织树" }, tree), detail),
  );

  let units: AdminUnit[] = [];
  const expanded = new Set<string>();
  let selected = "";
  let focused = "";

  const childrenOf = (id: string | null): AdminUnit[] => units.filter((u) => u.parentId === id);

  /** The items a keyboard reaches, in order (the open branches only). */
  function visible(): AdminUnit[] {
    const out: AdminUnit[] = [];
    const walk = (parent: string | null): void => {
      for (const u of childrenOf(parent)) {
        out.push(u);
        if (expanded.has(u.id)) walk(u.id);
      }
    };
    walk(null);
    return out;
  }

  function item(u: AdminUnit, level: number): HTMLElement {
    const kids = childrenOf(u.id);
    const open = expanded.has(u.id);
    const li = h(
      "li",
      {
        role: "treeitem",
        "data-unit": u.id,
        "aria-level": level,
        "aria-selected": String(u.id === selected),
        "aria-expanded": kids.length ? String(open) : null,
        tabindex: u.id === focused ? "0" : "-1",
        class: "treeitem",
      },
      h(
        "span",
        { class: "tree-label" },
        h("span", { class: "twisty", "aria-hidden": "true" }, kids.length ? (open ? "▾" : "▸") : "·"),
        u.name,
        h("span", { class: "muted tree-kind" }, `（${label(ORG_KIND, u.kind)}）`),
      ),
      kids.length && open ? h("ul", { role: "group" }, ...kids.map((k) => item(k, level + 1))) : null,
    );
    return li;
  }

  function renderTree(focus = false): void {
    fill(tree, ...childrenOf(null).map((u) => item(u, 1)));
    if (focus) (tree.querySelector(`[data-unit="${CSS.escape(focused)}"]`) as HTMLElement | null)?.focus();
  }

  function moveTo(id: string): void {
    focused = id;
    renderTree(true);
  }

  tree.addEventListener("keydown", (event) => {
    const list = visible();
    const i = list.findIndex((u) => u.id === focused);
    const u = list[i];
    if (!u) return;
    const kids = childrenOf(u.id);
    switch (event.key) {
      case "ArrowDown":
        if (i + 1 < list.length) moveTo(list[i + 1].id);
        break;
      case "ArrowUp":
        if (i > 0) moveTo(list[i - 1].id);
        break;
      case "ArrowRight":
        if (kids.length && !expanded.has(u.id)) {
          expanded.add(u.id);
          moveTo(u.id);
        } else if (kids.length) moveTo(kids[0].id);
        break;
      case "ArrowLeft":
        if (kids.length && expanded.has(u.id)) {
          expanded.delete(u.id);
          moveTo(u.id);
        } else if (u.parentId) moveTo(u.parentId);
        break;
      case "Home":
        moveTo(list[0].id);
        break;
      case "End":
        moveTo(list[list.length - 1].id);
        break;
      case "Enter":
      case " ":
        choose(u.id);
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  tree.addEventListener("click", (event) => {
    const li = (event.target as Element).closest("[data-unit]") as HTMLElement | null;
    if (!li) return;
    event.stopPropagation();
    const id = li.dataset.unit!;
    if (childrenOf(id).length && (event.target as Element).closest(".twisty")) {
      if (expanded.has(id)) expanded.delete(id);
      else expanded.add(id);
    }
    focused = id;
    choose(id);
  });

  function choose(id: string): void {
    selected = id;
    focused = id;
    renderTree(true);
    renderDetail();
  }

  function renderDetail(): void {
    const u = units.find((x) => x.id === selected);
    if (!u) {
      fill(detail, h("p", { class: "card muted" }, "在左侧选择一个单位，可改名或在其下新增单位。"));
      return;
    }
    const name = input({ value: u.name });
    const code = input({ value: u.code ?? "" });
    const rename = form({
      title: `修改“${u.name}”`,
      submit: "保存",
      className: "rename-form",
      fields: [field("name", "名称", name), field("code", "编码（可选）", code)],
      onSubmit: async () => {
        const data = await mutate(UPDATE_UNIT, { input: { id: u.id, name: name.value, code: code.value } });
        const errors = data.updateOrgUnit.errors;
        if (!errors.length) {
          status.textContent = `已保存“${data.updateOrgUnit.orgUnit?.name}”`;
          await reload();
        }
        return errors;
      },
    });
    const kinds = CHILD_KINDS[u.kind] ?? [];
    const childName = input();
    const childCode = input();
    const kind = select(kinds.map((k) => [k, label(ORG_KIND, k)]));
    const add = kinds.length
      ? form({
          title: `在“${u.name}”下新增单位`,
          submit: "新增",
          className: "add-unit-form",
          fields: [
            field("kind", "层级", kind),
            field("name", "名称", childName, "例如 北屏乡、苍坪村"),
            field("code", "编码（可选）", childCode),
          ],
          onSubmit: async () => {
            const data = await mutate(CREATE_UNIT, {
              input: { parentId: u.id, kind: kind.value as OrgUnitKind, name: childName.value, code: childCode.value || null },
            });
            const created = data.createOrgUnit.orgUnit;
            if (created) {
              status.textContent = `已新增“${created.name}”`;
              expanded.add(u.id);
              await reload();
            }
            return data.createOrgUnit.errors;
          },
        }).element
      : h("p", { class: "card muted" }, `${label(ORG_KIND, u.kind)}下不再设下级单位。`);
    fill(
      detail,
      h("section", { class: "card" }, h("h2", {}, u.name), h("p", { class: "muted" }, label(ORG_KIND, u.kind), u.code ? ` · 编码 ${u.code}` : "")),
      rename.element,
      add,
      h("p", { class: "hint" }, "单位建立后不能移动到其他上级下（系统未提供调整上级的功能）。"),
    );
  }

  /** Another admin's change (the org stream): the tree again, the forms left alone
   * unless the chosen unit itself changed. */
  async function refreshTree(): Promise<void> {
    const before = units.find((u) => u.id === selected);
    units = await allUnits();
    const after = units.find((u) => u.id === selected);
    tree.dataset.loaded = String(units.length);
    renderTree(tree.contains(document.activeElement));
    if (before?.name !== after?.name || before?.code !== after?.code) renderDetail();
  }

  async function reload(): Promise<void> {
    units = await allUnits();
    if (!focused && units.length) {
      focused = units[0].id;
      expanded.add(units[0].id); // the county open
    }
    tree.dataset.loaded = String(units.length);
    renderTree(tree.contains(document.activeElement));
    renderDetail();
  }
  const head = (await query(ORG_HEAD, {})).streamEventPage.headSeq;
  await reload();
  return live(
    ORG_EVENTS,
    { after: head },
    (data) => data.events.seq,
    () => void refreshTree(),
    (message) => (status.textContent = `组织架构未能实时更新：${message}`),
  );
};
