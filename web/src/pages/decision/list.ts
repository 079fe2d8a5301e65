// The decisions list (重大行政决策): every decision of the county the API shows, filtered in
// the page by where it stands (the step it is at, or decided). `decisions(first, after)`
// has no filter of its own; a county has tens of decisions a year, so the page reads them
// all (100 a page) and filters here.
import { query } from "../../api";
import { fill, h, when } from "../../dom";
import { graphql } from "../../gql";
import type { DecisionListQuery } from "../../gql/graphql";
import { DECISION_STATE, DECISION_STEP, label } from "../../labels";
import { href, type Page } from "../../router";
import { tabStrip } from "../common";

const DECISIONS = graphql(`
  query DecisionList($after: String) {
    decisions(first: 100, after: $after) {
      edges {
        node {
          id title state currentStep createdAt decidedAt leadUnitId
          missingForDecision { code }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

type DecisionRow = DecisionListQuery["decisions"]["edges"][number]["node"];

/** The filter tabs: all, by the step started last, and decided. */
const TABS: [string, string][] = [
  ["ALL", "全部"],
  ...Object.entries(DECISION_STEP).filter(([k]) => k !== "COLLECTIVE_DECISION"),
  ["COLLECTIVE_DECISION", "集体讨论决定"],
  ["DECIDED", "已决策"],
];

function matches(d: DecisionRow, tab: string): boolean {
  if (tab === "ALL") return true;
  if (tab === "DECIDED") return d.state === "DECIDED";
  if (d.state === "DECIDED") return false;
  return (d.currentStep ?? "") === tab;
}

export const decisionsPage: Page = async (main) => {
  document.title = "重大行政决策 · 议事工作台";
  const tab = new URLSearchParams(location.search).get("tab") ?? "ALL";
  const list = h("ul", { class: "case-list", id: "decision-list" });
  const tabs = tabStrip(
    "按步骤筛选",
    TABS.map(([key, title]) => ({ key, title })),
    tab,
    show,
    { url: (key) => href(`/decisions?tab=${key}`) },
  );
  fill(main, h("h1", {}, "重大行政决策跟踪"), tabs, list);

  const rows: DecisionRow[] = [];
  let after: string | null = null;
  try {
    for (;;) {
      const page: DecisionListQuery["decisions"] = (await query(DECISIONS, { after })).decisions;
      rows.push(...page.edges.map((e) => e.node));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor ?? null;
    }
  } catch (error) {
    fill(list, h("li", { class: "error", role: "alert" }, (error as Error).message));
    return;
  }

  function show(key: string): void {
    const shown = rows.filter((d) => matches(d, key));
    fill(
      list,
      shown.length
        ? shown.map((d) =>
            h(
              "li",
              { class: "case-card", "data-decision": d.id },
              h("a", { class: "case-link", href: href(`/decisions/${encodeURIComponent(d.id)}`) }, d.title),
              h(
                "p",
                { class: "meta" },
                h("span", { class: `badge state-${d.state.toLowerCase()}` }, label(DECISION_STATE, d.state)),
                d.currentStep ? h("span", {}, `当前步骤：${label(DECISION_STEP, d.currentStep)}`) : null,
                d.state === "DECIDED"
                  ? h("span", {}, `决策于 ${when(d.decidedAt)}`)
                  : d.missingForDecision.length
                    ? h("span", { class: "badge warn" }, `集体讨论决定前尚缺 ${d.missingForDecision.length} 项`)
                    : h("span", { class: "badge" }, "可进入集体讨论决定"),
              ),
            ),
          )
        : h("li", { class: "empty" }, "没有符合条件的决策事项"),
    );
    list.dataset.loaded = key;
  }
  show(tab);
};
