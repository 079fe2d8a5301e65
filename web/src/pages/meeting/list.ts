// The unit's meetings (会议): 即将召开 (draft, announced), 进行中 (live), 已结束 (closed, record
// published), each `meetings(states:)` of the host unit chosen in the top bar (the county
// office sees every meeting of the county), and a form to schedule one (`createMeeting`).
import { mutate, query } from "../../api";
import { fill, h, when } from "../../dom";
import { field, form, input, select, textarea } from "../../forms";
import { graphql } from "../../gql";
import type { MeetingKind, MeetingMode, MeetingState, UnitMeetingsQuery } from "../../gql/graphql";
import { MEETING_KIND, MEETING_MODE, label } from "../../labels";
import { href, navigate, type Page } from "../../router";
import { currentViewer } from "../../viewer";
import { statusLine, tabStrip } from "../common";
import { countyMoment, meetingStateBadge } from "./common";

const MEETINGS = graphql(`
  query UnitMeetings($states: [MeetingState!], $after: String) {
    meetings(states: $states, first: 100, after: $after) {
      edges { node { id title kind mode state startsAt attendance hostUnit { id name } venue { name } } }
      pageInfo { hasNextPage endCursor }
    }
    viewer { county { timezone } }
  }
`);

const CREATE = graphql(`
  mutation ConsoleCreateMeeting($input: CreateMeetingInput!) {
    createMeeting(input: $input) { meeting { id } errors { field code message } }
  }
`);

type MeetingItem = UnitMeetingsQuery["meetings"]["edges"][number]["node"];

const TABS: { key: string; title: string; states: MeetingState[]; empty: string }[] = [
  { key: "upcoming", title: "即将召开", states: ["DRAFT", "ANNOUNCED"], empty: "没有即将召开的会议" },
  { key: "live", title: "进行中", states: ["LIVE"], empty: "没有进行中的会议" },
  { key: "ended", title: "已结束", states: ["CLOSED", "RECORD_PUBLISHED"], empty: "没有已结束的会议" },
];

function meetingCard(m: MeetingItem): HTMLElement {
  return h(
    "li",
    { class: "case-card meeting-card" },
    h("a", { href: href(`/meetings/${encodeURIComponent(m.id)}`), class: "case-link" }, h("span", { class: "title" }, m.title)),
    h(
      "p",
      { class: "meta" },
      meetingStateBadge(m.state),
      h("span", {}, label(MEETING_KIND, m.kind)),
      h("span", {}, label(MEETING_MODE, m.mode)),
      h("span", {}, `开始 ${when(m.startsAt)}`),
    ),
    h(
      "p",
      { class: "meta" },
      h("span", {}, `主办：${m.hostUnit?.name ?? "—"}`),
      m.venue ? h("span", {}, `地点：${m.venue.name}`) : null,
      h("span", {}, `已签到 ${m.attendance} 人`),
    ),
  );
}

export const meetingsPage: Page = (main) => {
  const viewer = currentViewer()!;
  let tab = TABS.find((t) => t.key === new URLSearchParams(location.search).get("tab")) ?? TABS[1];
  let zone = "Asia/Shanghai";
  const list = h("ul", { class: "case-list", id: "meeting-list", "aria-live": "polite" });
  const status = statusLine();
  const tabs = tabStrip("会议分类", TABS, tab.key, (key) => {
    tab = TABS.find((t) => t.key === key) ?? tab;
    void load();
  });

  let loading = 0;
  async function load(): Promise<void> {
    const mine = ++loading;
    list.removeAttribute("data-loaded");
    const shown: MeetingItem[] = [];
    let after: string | null = null;
    try {
      for (let pages = 0; pages < 10; pages++) {
        const data: UnitMeetingsQuery = await query(MEETINGS, { states: tab.states, after });
        zone = data.viewer.county?.timezone ?? zone;
        // the unit's own meetings; the county office hosts for the whole county
        for (const { node } of data.meetings.edges) {
          if (viewer.countyOffice || node.hostUnit?.id === viewer.unit.id) shown.push(node);
        }
        if (!data.meetings.pageInfo.hasNextPage) break;
        after = data.meetings.pageInfo.endCursor ?? null;
      }
    } catch (e) {
      status.textContent = (e as Error).message;
    }
    if (mine !== loading) return;
    fill(list, shown.length ? shown.map(meetingCard) : h("li", { class: "empty" }, tab.empty));
    list.dataset.loaded = tab.key;
  }

  const title = input({ autocomplete: "off" });
  const kind = select(Object.entries(MEETING_KIND));
  const mode = select(Object.entries(MEETING_MODE).filter(([k]) => k !== "IN_PERSON"));
  const startsAt = input({ type: "datetime-local" });
  const description = textarea({ rows: "3" });
  const create = form({
    title: "新建会议",
    className: "create-meeting-form",
    submit: "创建（草稿）",
    fields: [
      field("title", "会议名称", title),
      field("kind", "会议类型", kind),
      field("mode", "召开方式", mode, "现场会议须指定说事场所，请在县级管理平台创建"),
      field("startsAt", "开始时间（本县时间）", startsAt),
      field("description", "会议说明", description),
    ],
    onSubmit: async () => {
      const at = countyMoment(startsAt.value, zone);
      if (!at) return [{ field: "startsAt", message: "请填写开始时间" }];
      const r = await mutate(CREATE, {
        input: {
          title: title.value,
          kind: kind.value as MeetingKind,
          mode: mode.value as MeetingMode,
          hostUnitId: viewer.unit.id,
          startsAt: at,
          description: description.value || null,
        },
      });
      const made = r.createMeeting.meeting;
      if (made) await navigate(`/meetings/${encodeURIComponent(made.id)}`);
      return r.createMeeting.errors;
    },
  });

  document.title = "会议 · 议事工作台";
  fill(
    main,
    h("h1", {}, `会议 · ${viewer.unit.name}`),
    tabs,
    status,
    list,
    h("details", { class: "create-meeting" }, h("summary", {}, "新建会议"), create.element),
  );
  void load();
};
