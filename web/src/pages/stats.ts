// The statistics board: `caseStatistics` (办结率, 按期办结率, 响应率/解决率/满意率, satisfaction),
// `caseUnitRanking` (the month's 三率 ranking) and `caseHotTopics` (民情晴雨表) as ECharts
// charts (bundled, canvas: no inline style attribute, no CDN), and the .xlsx export the
// API offers (`exportUrl`, fetched with the session's headers and saved as a file).
import { BarChart, PieChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { freshSession, query } from "../api";
import { countyDate, fill, h } from "../dom";
import { field, form, input, select } from "../forms";
import { graphql } from "../gql";
import type { CaseBoardQuery } from "../gql/graphql";
import type { Page } from "../router";

echarts.use([BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const STATISTICS = graphql(`
  query CaseBoard($period: PeriodInput!, $groupBy: GroupBy!, $month: Date!) {
    caseStatistics(period: $period, groupBy: $groupBy) {
      exportUrl
      groups { ...Figures }
      total { ...Figures }
    }
    caseUnitRanking(month: $month) { rank name score figures { received responseRate resolutionRate satisfactionRate } }
    caseHotTopics(period: $period, limit: 15) { total keywords { key label count previous trend } }
  }
  fragment Figures on CaseFigures {
    key label received outOfScope closed closingRate closedOnTime onTimeRate averageHandlingHours
    satisfied basicallySatisfied dissatisfied satisfactionRate dispatched signedInTime responseRate
    resolutionRate overdueOpen
  }
`);

type Figures = CaseBoardQuery["caseStatistics"]["total"];

const GROUPS: [string, string][] = [
  ["UNIT", "按单位"],
  ["MONTH", "按月份"],
  ["CHANNEL", "按来源渠道"],
  ["KIND", "按事项类型"],
];

const pct = (v: number | null | undefined) => (v === null || v === undefined ? "—" : `${v.toFixed(1)}%`);

export const statsPage: Page = (main) => {
  const today = countyDate(); // the county's today, not the browser's
  const [year, monthOfYear] = today.split("-").map(Number);
  const start = new Date(Date.UTC(year, monthOfYear - 1 - 5, 1)).toISOString().slice(0, 10);
  const from = input({ type: "date", value: start }); // the first day, five months back
  const to = input({ type: "date", value: today });
  const groupBy = select(GROUPS);
  const month = input({ type: "month", value: today.slice(0, 7) });
  const results = h("div", { id: "stats-results" });
  const charts: echarts.ECharts[] = [];
  const f = form({
    title: "统计条件",
    className: "stats-form",
    submit: "查询",
    fields: [
      field("from", "受理日期自", from),
      field("to", "至", to),
      field("groupBy", "分组", groupBy),
      field("month", "排名月份", month),
    ],
    onSubmit: async () => {
      if (!from.value) return [{ field: "from", message: "请选择开始日期" }];
      if (!to.value) return [{ field: "to", message: "请选择结束日期" }];
      if (to.value < from.value) return [{ field: "to", message: "结束日期不能早于开始日期" }];
      const data = await query(STATISTICS, {
        period: { from: from.value, to: to.value },
        groupBy: groupBy.value as "UNIT",
        month: `${month.value || today.slice(0, 7)}-01`,
      });
      show(data);
      return [];
    },
  });
  document.title = "统计分析 · 议事工作台";
  fill(main, h("h1", {}, "统计分析"), f.element, results);

  function chart(title: string, id: string, option: echarts.EChartsCoreOption, caption: string): HTMLElement {
    const box = h("div", { class: "chart", id, role: "img", "aria-label": `${title}：${caption}` });
    const section = h("section", { class: "card chart-card" }, h("h2", {}, title), box, h("p", { class: "hint" }, caption));
    queueMicrotask(() => {
      const c = echarts.init(box, undefined, { renderer: "canvas" });
      c.setOption({ textStyle: { fontSize: 14 }, ...option }); // large enough to read
      charts.push(c);
    });
    return section;
  }

  function table(groups: Figures[], total: Figures): HTMLElement {
    const cols: [string, (g: Figures) => string][] = [
      ["分组", (g) => g.label],
      ["受理", (g) => String(g.received)],
      ["办结", (g) => String(g.closed)],
      ["办结率", (g) => pct(g.closingRate)],
      ["按期办结率", (g) => pct(g.onTimeRate)],
      ["响应率", (g) => pct(g.responseRate)],
      ["解决率", (g) => pct(g.resolutionRate)],
      ["满意率", (g) => pct(g.satisfactionRate)],
      ["超期未办结", (g) => String(g.overdueOpen)],
    ];
    return h(
      "div",
      { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "办理情况统计表" },
      h(
        "table",
        { class: "figures" },
        h("caption", {}, "办理情况统计（受理期内的事项，截至目前）"),
        h("thead", {}, h("tr", {}, ...cols.map(([t]) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, ...[...groups, total].map((g) => h("tr", { class: g === total ? "total" : "" }, ...cols.map(([, v], i) => (i === 0 ? h("th", { scope: "row" }, v(g)) : h("td", {}, v(g))))))),
      ),
    );
  }

  function exportLink(url: string): HTMLElement {
    const link = h("a", { href: url, class: "button secondary", id: "export-xlsx" }, "导出 Excel（.xlsx）");
    link.addEventListener("click", async (event) => {
      event.preventDefault();
      const session = await freshSession();
      const response = await fetch(url, {
        headers: { Authorization: `Bearer ${session.accessToken}`, "X-Tenant": session.county },
      });
      if (!response.ok) {
        link.after(h("p", { class: "error", role: "alert" }, "导出失败，请稍后重试"));
        return;
      }
      const blob = await response.blob();
      const a = h("a", { href: URL.createObjectURL(blob), download: `办理情况统计-${from.value}-${to.value}.xlsx` });
      document.body.append(a);
      a.click();
      a.remove();
    });
    return link;
  }

  function show(data: CaseBoardQuery): void {
    charts.splice(0).forEach((c) => c.dispose());
    const s = data.caseStatistics;
    const t = s.total;
    const groups = s.groups.slice(0, 20);
    const names = groups.map((g) => g.label);
    fill(
      results,
      h(
        "section",
        { class: "card kpis", "aria-label": "合计" },
        ...[
          ["受理", String(t.received)],
          ["办结率", pct(t.closingRate)],
          ["按期办结率", pct(t.onTimeRate)],
          ["响应率", pct(t.responseRate)],
          ["解决率", pct(t.resolutionRate)],
          ["满意率", pct(t.satisfactionRate)],
        ].map(([k, v]) => h("div", { class: "kpi" }, h("span", { class: "kpi-label" }, k), h("span", { class: "kpi-value" }, v))),
        exportLink(s.exportUrl),
      ),
      chart(
        "办结率与按期办结率",
        "chart-rates",
        {
          tooltip: { trigger: "axis" },
          legend: { top: 0 },
          grid: { left: 48, right: 16, bottom: 64, top: 36 },
          xAxis: { type: "category", data: names, axisLabel: { rotate: 30, interval: 0 } },
          yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
          series: [
            { name: "办结率", type: "bar", data: groups.map((g) => g.closingRate) },
            { name: "按期办结率", type: "bar", data: groups.map((g) => g.onTimeRate) },
          ],
        },
        `合计办结率 ${pct(t.closingRate)}，按期办结率 ${pct(t.onTimeRate)}`,
      ),
      chart(
        "响应率、解决率、满意率",
        "chart-three",
        {
          tooltip: { trigger: "axis" },
          legend: { top: 0 },
          grid: { left: 48, right: 16, bottom: 64, top: 36 },
          xAxis: { type: "category", data: names, axisLabel: { rotate: 30, interval: 0 } },
          yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
          series: [
            { name: "响应率", type: "bar", data: groups.map((g) => g.responseRate) },
            { name: "解决率", type: "bar", data: groups.map((g) => g.resolutionRate) },
            { name: "满意率", type: "bar", data: groups.map((g) => g.satisfactionRate) },
          ],
        },
        `合计响应率 ${pct(t.responseRate)}，解决率 ${pct(t.resolutionRate)}，满意率 ${pct(t.satisfactionRate)}`,
      ),
      t.satisfied + t.basicallySatisfied + t.dissatisfied === 0
        ? h("section", { class: "card chart-card" }, h("h2", {}, "群众评价"), h("p", { class: "muted" }, "本期尚无群众评价"))
        : chart(
        "群众评价",
        "chart-satisfaction",
        {
          tooltip: { trigger: "item" },
          legend: { bottom: 0 },
          series: [
            {
              type: "pie",
              radius: ["35%", "65%"],
              data: [
                { name: "满意", value: t.satisfied },
                { name: "基本满意", value: t.basicallySatisfied },
                { name: "不满意", value: t.dissatisfied },
              ],
            },
          ],
        },
        `满意 ${t.satisfied}，基本满意 ${t.basicallySatisfied}，不满意 ${t.dissatisfied}`,
      ),
      chart(
        "单位月度排名（接诉即办“三率”）",
        "chart-ranking",
        {
          tooltip: { trigger: "axis" },
          grid: { left: 120, right: 24, bottom: 24, top: 8 },
          xAxis: { type: "value", max: 100 },
          yAxis: { type: "category", inverse: true, data: data.caseUnitRanking.slice(0, 15).map((r) => `${r.rank}. ${r.name}`) },
          series: [{ name: "得分", type: "bar", data: data.caseUnitRanking.slice(0, 15).map((r) => r.score) }],
        },
        data.caseUnitRanking.length
          ? data.caseUnitRanking.slice(0, 3).map((r) => `${r.rank}. ${r.name} ${r.score?.toFixed(1) ?? "—"}分`).join("，")
          : "该月没有可排名的单位",
      ),
      chart(
        "民情热度（关键词）",
        "chart-topics",
        {
          tooltip: { trigger: "axis" },
          legend: { top: 0 },
          grid: { left: 96, right: 24, bottom: 24, top: 32 },
          xAxis: { type: "value" },
          yAxis: { type: "category", inverse: true, data: data.caseHotTopics.keywords.map((k) => k.label) },
          series: [
            { name: "本期", type: "bar", data: data.caseHotTopics.keywords.map((k) => k.count) },
            { name: "上期", type: "bar", data: data.caseHotTopics.keywords.map((k) => k.previous) },
          ],
        },
        data.caseHotTopics.keywords.slice(0, 5).map((k) => `${k.label} ${k.count} 件`).join("，") || "本期没有关键词",
      ),
      table(s.groups, t),
    );
  }

  const resize = () => charts.forEach((c) => c.resize());
  window.addEventListener("resize", resize);
  f.element.requestSubmit();
  return () => {
    window.removeEventListener("resize", resize);
    charts.splice(0).forEach((c) => c.dispose());
  };
};
