// 操作日志: the county's audit log, newest first, filtered by action, by actor (part of
// the name) and by county dates (from … to, both days included), page by page; each entry
// with who, when, what and the record before and after. The API offers no export of it.
import { query } from "../../api";
import { fill, h, when } from "../../dom";
import { field, form, input, select } from "../../forms";
import { graphql } from "../../gql";
import { AUDIT_ACTION, label } from "../../labels";
import type { Page } from "../../router";
import { adminHeader, pager } from "./common";

const AUDIT = graphql(`
  query AdminAuditLog($action: String, $actor: String, $since: DateTime, $until: DateTime, $after: String) {
    auditLog(action: $action, actor: $actor, since: $since, until: $until, first: 20, after: $after) {
      edges { node { id action actor targetType targetId before after createdAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

const ZONE = graphql(`
  query AdminZone { county { timezone } }
`);

let zone = "Asia/Shanghai";

/** The instant a county date (YYYY-MM-DD) begins in the county's time zone. */
function countyMidnight(date: string, plusDays = 0): string {
  const [y, m, d] = date.split("-").map(Number);
  const guess = Date.UTC(y, m - 1, d + plusDays);
  const p = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
    }).formatToParts(new Date(guess)).map((x) => [x.type, x.value]),
  );
  const local = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return new Date(guess - (local - guess)).toISOString();
}

/** What changed, as `名称：甲 → 乙` (the fields that differ). */
function change(before: unknown, after: unknown): string {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const show = (v: unknown): string => (v === null || v === undefined ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v));
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return keys
    .filter((k) => show(b[k]) !== show(a[k]))
    .map((k) => (k in b ? `${k}：${show(b[k])} → ${show(a[k])}` : `${k}：${show(a[k])}`))
    .join("；");
}

export const auditPage: Page = async (main) => {
  document.title = "操作日志 · 议事工作台";
  const data = await query(ZONE, {});
  zone = data.county?.timezone ?? zone;
  const list = h("ol", { class: "plain audit-list", id: "audit-list" });
  const action = select([["", "全部操作"], ...Object.entries(AUDIT_ACTION)]);
  const actor = input({ type: "search" });
  const since = input({ type: "date" });
  const until = input({ type: "date" });
  const dateError = (): { field: string; message: string }[] =>
    since.value && until.value && since.value > until.value ? [{ field: "until", message: "结束日期不能早于开始日期" }] : [];

  const pages = pager(async (after) => {
    const page = await query(AUDIT, {
      action: action.value || null,
      actor: actor.value.trim() || null,
      since: since.value ? countyMidnight(since.value) : null,
      until: until.value ? countyMidnight(until.value, 1) : null,
      after,
    });
    const edges = page.auditLog.edges;
    fill(
      list,
      edges.length
        ? edges.map(({ node: e }) =>
            h(
              "li",
              { "data-action": e.action },
              h("time", { datetime: e.createdAt }, when(e.createdAt)),
              " ",
              h("strong", {}, label(AUDIT_ACTION, e.action)),
              h("span", { class: "muted" }, `（${e.action}）`),
              h("br", {}),
              `操作人：${e.actor.replace(/^user:\d+:/, "")} · 对象：${e.targetType}${e.targetId ? ` #${e.targetId}` : ""}`,
              h("br", {}),
              h("span", { class: "audit-change" }, change(e.before, e.after) || "—"),
            ),
          )
        : h("li", { class: "empty" }, "没有符合条件的记录"),
    );
    list.dataset.loaded = `${action.value}|${edges.length}`;
    return { endCursor: page.auditLog.pageInfo.endCursor ?? null, hasNext: page.auditLog.pageInfo.hasNextPage };
  });

  const filters = form({
    title: "筛选",
    submit: "查询",
    className: "audit-filter",
    fields: [
      field("action", "操作", action),
      field("actor", "操作人（姓名包含）", actor),
      field("since", "开始日期", since),
      field("until", "结束日期（含当日）", until),
    ],
    onSubmit: async () => {
      const errors = dateError();
      if (!errors.length) await pages.first();
      return errors;
    },
  });

  fill(
    main,
    ...adminHeader("/admin/audit", "操作日志"),
    filters.element,
    h("section", { class: "card", "aria-label": "日志" }, list, pages.element),
  );
  await pages.first();
};
