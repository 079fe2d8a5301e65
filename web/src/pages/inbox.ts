// The unit's inbox (待办): 新件, 待签收, 办理中, 临期, 超期, 退回, each a queue of
// `cases(filter: {unitId, queue})` paged by the server, with each tab's count from
// `caseInboxCounts(unitId)` (docs/cases.md), kept live by `caseInbox(unitId, after)`.
import { live, query } from "../api";
import { fill, h, when } from "../dom";
import { graphql } from "../gql";
import type { CaseInboxQueue, InboxCasesQuery, InboxCountsQuery } from "../gql/graphql";
import { KIND, ROLE, EVENT, label } from "../labels";
import { href, type Page } from "../router";
import { currentViewer } from "../viewer";
import { deadline, stateBadge, statusLine, tabStrip } from "./common";

const CASES = graphql(`
  query InboxCases($filter: CasesFilter, $first: Int, $after: String) {
    cases(filter: $filter, first: $first, after: $after) {
      edges {
        node {
          id number title kind channel state receivedAt dueOn dueProvisional overdue bounceCount
          accountableUnit { id name }
          handler { id name }
          assignments { id role state signDueAt unit { id name } }
          lastEvent { type at }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

const COUNTS = graphql(`
  query InboxCounts($unitId: ID!) {
    caseInboxCounts(unitId: $unitId) { new toSign inHandling sentBack dueSoon overdue }
  }
`);

const INBOX_LIVE = graphql(`
  subscription InboxLive($unitId: ID!, $after: Int) {
    caseInbox(unitId: $unitId, after: $after) { seq type at caseId number title state note }
  }
`);

type CaseItem = InboxCasesQuery["cases"]["edges"][number]["node"];
type Counts = Omit<InboxCountsQuery["caseInboxCounts"], "__typename">;

interface Tab {
  key: string;
  title: string;
  queue: CaseInboxQueue;
  count: keyof Counts;
  empty: string;
}

export const TABS: Tab[] = [
  { key: "new", title: "新件", queue: "NEW", count: "new", empty: "没有待分派的新件" },
  { key: "sign", title: "待签收", queue: "TO_SIGN", count: "toSign", empty: "没有待签收的派单" },
  { key: "handling", title: "办理中", queue: "IN_HANDLING", count: "inHandling", empty: "没有办理中的事项" },
  { key: "soon", title: "临期", queue: "DUE_SOON", count: "dueSoon", empty: "没有临期事项" },
  { key: "overdue", title: "超期", queue: "OVERDUE", count: "overdue", empty: "没有超期事项" },
  { key: "returned", title: "退回", queue: "SENT_BACK", count: "sentBack", empty: "没有被退回的事项" },
];

function caseCard(c: CaseItem, unit: string): HTMLElement {
  const mine = c.assignments.find((a) => a.unit?.id === unit && (a.state === "PENDING" || a.state === "SIGNED"));
  return h(
    "li",
    { class: "case-card" },
    h(
      "a",
      { href: href(`/cases/${encodeURIComponent(c.id)}`), class: "case-link" },
      h("span", { class: "number" }, c.number),
      h("span", { class: "title" }, c.title),
    ),
    h(
      "p",
      { class: "meta" },
      stateBadge(c.state),
      h("span", {}, label(KIND, c.kind)),
      mine ? h("span", {}, `${label(ROLE, mine.role)}${mine.state === "PENDING" ? " · 待签收" : ""}`) : null,
      c.bounceCount ? h("span", { class: "badge warn" }, `退单 ${c.bounceCount} 次`) : null,
    ),
    h(
      "p",
      { class: "meta" },
      deadline(c.dueOn, c.dueProvisional, c.overdue),
      h("span", {}, `首接：${c.accountableUnit?.name ?? "—"}`),
      c.handler ? h("span", {}, `主办：${c.handler.name}`) : null,
      h("span", { class: "muted" }, `受理 ${when(c.receivedAt)}`),
    ),
  );
}

export const inboxPage: Page = (main) => {
  const viewer = currentViewer()!;
  const unit = viewer.unit.id;
  let tab = TABS.find((t) => t.key === new URLSearchParams(location.search).get("tab")) ?? TABS[0];
  const list = h("ul", { class: "case-list", id: "case-list", "aria-live": "polite" });
  const more = h("button", { type: "button", class: "secondary", id: "load-more" }, "加载更多");
  more.hidden = true;
  const status = statusLine();
  const tabs = tabStrip(
    "待办分类",
    TABS,
    tab.key,
    (key) => {
      tab = TABS.find((t) => t.key === key) ?? tab;
      void load();
    },
    { extra: (key) => h("span", { class: "count", "data-count": key }) },
  );
  let cursor: string | null = null;
  let loading = 0;

  async function load(append = false): Promise<void> {
    const mine = ++loading;
    if (!append) cursor = null;
    const failed = (e: Error) => {
      status.textContent = e.message;
      return null;
    };
    const filter = { unitId: unit, queue: tab.queue };
    const [data, counts] = await Promise.all([
      query(CASES, { filter, first: 50, after: append ? cursor : null }).catch(failed),
      append ? null : query(COUNTS, { unitId: unit }).catch(failed),
    ]);
    if (!data || mine !== loading) return;
    if (counts) {
      for (const t of TABS) {
        const badge = tabs.querySelector(`[data-count="${t.key}"]`);
        if (badge) badge.textContent = String(counts.caseInboxCounts[t.count]);
      }
    }
    const items = data.cases.edges.map((e) => e.node);
    cursor = data.cases.pageInfo.endCursor ?? null;
    more.hidden = !data.cases.pageInfo.hasNextPage;
    const cards = items.map((c) => caseCard(c, unit));
    // a live refresh keeps the keyboard where it was (on the same case, if still listed)
    const active = document.activeElement;
    const focused = active && list.contains(active) ? active.getAttribute("href") : null;
    if (append) list.append(...cards);
    else fill(list, cards.length ? cards : h("li", { class: "empty" }, tab.empty));
    if (focused) list.querySelector<HTMLElement>(`a[href="${CSS.escape(focused)}"]`)?.focus();
    list.setAttribute("data-loaded", tab.key);
  }
  more.addEventListener("click", () => void load(true));

  document.title = `待办 · ${viewer.unit.name} · 议事工作台`;
  fill(
    main,
    h("h1", {}, `${viewer.unit.name} · 待办`),
    tabs,
    status,
    list,
    more,
  );
  void load();
  const stop = live(
    INBOX_LIVE,
    { unitId: unit, after: null },
    (d) => d.caseInbox.seq,
    (d) => {
      const e = d.caseInbox;
      status.textContent = `${label(EVENT, e.type)}：${e.number} ${e.title}${e.note ? `（${e.note}）` : ""}`;
      void load();
    },
    (message) => (status.textContent = message),
  );
  return stop;
};
