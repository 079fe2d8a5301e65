// Pieces the administration pages (县级管理员: org tree, venues, people, rulebook, audit log)
// share: their sub-navigation, the county's whole org tree (read page by page) and a
// pager for cursor connections.
import { query } from "../../api";
import { h } from "../../dom";
import { graphql } from "../../gql";
import type { AdminUnitsQuery } from "../../gql/graphql";
import { href } from "../../router";

const ALL_UNITS = graphql(`
  query AdminUnits($after: String) {
    orgUnits(first: 100, after: $after) {
      edges { node { id name kind code parent { id } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export interface AdminUnit {
  id: string;
  name: string;
  kind: string;
  code: string | null;
  parentId: string | null;
}

/** Every unit of the county, in creation order (parents before their children). */
export async function allUnits(): Promise<AdminUnit[]> {
  const units: AdminUnit[] = [];
  let after: string | null = null;
  for (;;) {
    const data: AdminUnitsQuery = await query(ALL_UNITS, { after });
    for (const { node } of data.orgUnits.edges) {
      units.push({ id: node.id, name: node.name, kind: node.kind, code: node.code ?? null, parentId: node.parent?.id ?? null });
    }
    if (!data.orgUnits.pageInfo.hasNextPage) return units;
    after = data.orgUnits.pageInfo.endCursor ?? null;
  }
}

/** A unit's name with the names above it: 北屏乡 / 苍坪村. */
export function unitPath(units: AdminUnit[], id: string): string {
  const byId = new Map(units.map((u) => [u.id, u]));
  const names: string[] = [];
  for (let u = byId.get(id); u && u.parentId; u = byId.get(u.parentId)) names.unshift(u.name);
  return names.join(" / ") || (byId.get(id)?.name ?? "—");
}

/** The units as select options, indented by depth (the county first). */
export function unitOptions(units: AdminUnit[]): [string, string][] {
  const children = new Map<string | null, AdminUnit[]>();
  for (const u of units) children.set(u.parentId, [...(children.get(u.parentId) ?? []), u]);
  const out: [string, string][] = [];
  const walk = (parent: string | null, depth: number): void => {
    for (const u of children.get(parent) ?? []) {
      out.push([u.id, `${"　".repeat(depth)}${u.name}`]);
      walk(u.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

const SECTIONS: [string, string][] = [
  ["/admin", "组织架构"],
  ["/admin/venues", "说事场所"],
  ["/admin/people", "人员与角色"],
  ["/admin/rules", "议事规则"],
  ["/admin/audit", "操作日志"],
];

/** The administration's heading and its sections (the current one marked). */
export function adminHeader(current: string, title: string): HTMLElement[] {
  return [
    h(
      "nav",
      { class: "admin-nav", "aria-label": "系统管理" },
      ...SECTIONS.map(([path, text]) =>
        h("a", { href: href(path), "aria-current": path === current ? "page" : null }, text),
      ),
    ),
    h("h1", {}, title),
  ];
}

/** Pages of a cursor connection: 上一页 / 下一页 keep a stack of the cursors seen. */
export function pager(load: (after: string | null) => Promise<{ endCursor: string | null; hasNext: boolean }>): {
  element: HTMLElement;
  first: () => Promise<void>;
} {
  const stack: (string | null)[] = [];
  let after: string | null = null;
  let next: string | null = null;
  const info = h("span", { class: "muted", "aria-live": "polite" });
  const prev = h("button", { type: "button", class: "secondary", "data-page": "prev" }, "上一页");
  const more = h("button", { type: "button", class: "secondary", "data-page": "next" }, "下一页");
  const show = async (cursor: string | null): Promise<void> => {
    after = cursor;
    const page = await load(cursor);
    next = page.hasNext ? page.endCursor : null;
    prev.disabled = stack.length === 0;
    more.disabled = next === null;
    info.textContent = `第 ${stack.length + 1} 页`;
  };
  prev.addEventListener("click", () => void show(stack.pop() ?? null));
  more.addEventListener("click", () => {
    if (next === null) return;
    stack.push(after);
    void show(next);
  });
  return {
    element: h("div", { class: "pager actions" }, prev, info, more),
    first: async () => {
      stack.length = 0;
      await show(null);
    },
  };
}
