// The meeting control room (会议主持台) for its host: attendance and check-in (签到), the
// agenda with the speech timers, polls (表决) with tallies moving live, the turnout of
// anonymous scoring sheets (测评票), the comments' moderation queue (留言审核), the speaking
// queue (发言排队), the minutes (会议纪要), and closing the meeting with its sealed record
// and the .docx download. The state is one query; `meetingLive(meetingId, after)` (through
// `live()`, resuming with `after`) moves the timers and tallies in place and reloads the
// rest. Forms are built once, so a live update never takes the focus or the text typed.
import { freshSession, live, mutate, onConnection, query } from "../../api";
import { fill, h, when } from "../../dom";
import { field, form, input, select, textarea, type FieldError } from "../../forms";
import { graphql } from "../../gql";
import type { MeetingRoomQuery, MeetingRoomLiveSubscription, PollKind, Eligibility, ScoringScale, SpeakingState, TimerAction } from "../../gql/graphql";
import {
  ELIGIBILITY,
  MEETING_KIND,
  MEETING_MODE,
  PARTICIPANT_ROLE,
  POLL_STATE,
  SCORING_SCALE,
  SPEAKING_STATE,
  TIMER_STATUS,
  label,
} from "../../labels";
import { href, type Page } from "../../router";
import { statusLine } from "../common";
import { clock, meetingStateBadge } from "./common";

const HEAD = graphql(`
  query MeetingRoomHead($stream: String!) {
    streamEventPage(stream: $stream, after: 0, first: 1) { headSeq }
  }
`);

const ROOM = graphql(`
  query MeetingRoom($id: ID!) {
    node(id: $id) {
      ... on Meeting {
        id title kind mode state startsAt minutes sealedHash sealedAt attendance
        hostUnit { id name }
        venue { name }
        agenda { id position title speakerName timer { status durationSeconds deadline remainingSeconds } }
        polls { id question kind options maxChoices eligibility state counts totalVotes }
        scoringSheets {
          id title scale targets state minBallots results
          turnout { eligible counted pending notCounted { userId name } }
        }
        speakingQueue { id userId state topic }
        comments(first: 100) {
          edges { node { id kind body authorId createdAt hidden hiddenReason approved answeredLive handedOverUnitId } }
        }
      }
    }
  }
`);

const PARTICIPANTS = graphql(`
  query MeetingRoomParticipants($id: ID!, $after: String) {
    node(id: $id) {
      ... on Meeting {
        participants(first: 100, after: $after) {
          edges { node { userId role invited checkedInAt checkInMode } }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  }
`);

const NAMES = graphql(`
  query MeetingRoomNames($ids: [ID!]!) {
    nodes(ids: $ids) { ... on User { id displayName } }
  }
`);

const LIVE = graphql(`
  subscription MeetingRoomLive($meetingId: ID!, $after: Int) {
    meetingLive(meetingId: $meetingId, after: $after) {
      seq type
      data {
        __typename
        ... on TimerUpdate { agendaItemId status deadline remainingSeconds durationSeconds warning }
        ... on PollTally { pollId counts totalVotes }
      }
    }
  }
`);

const ANNOUNCE = graphql(`
  mutation RoomAnnounce($m: ID!) { announceMeeting(meetingId: $m) { warnings errors { field code message } } }
`);
const START = graphql(`
  mutation RoomStart($m: ID!) { startMeeting(meetingId: $m) { warnings errors { field code message } } }
`);
const CLOSE = graphql(`
  mutation RoomClose($m: ID!) { closeMeeting(meetingId: $m) { meeting { sealedHash } errors { field code message } } }
`);
const PUBLISH = graphql(`
  mutation RoomPublish($m: ID!) { publishMeetingRecord(meetingId: $m) { errors { field code message } } }
`);
const CHECK_IN = graphql(`
  mutation RoomCheckIn($m: ID!, $u: ID) { checkIn(meetingId: $m, userId: $u) { errors { field code message } } }
`);
const ADD_ITEM = graphql(`
  mutation RoomAddItem($m: ID!, $title: String!, $speakerName: String, $durationSeconds: Int) {
    addAgendaItem(meetingId: $m, title: $title, speakerName: $speakerName, durationSeconds: $durationSeconds) {
      agendaItem { id } errors { field code message }
    }
  }
`);
const TIMER = graphql(`
  mutation RoomTimer($a: ID!, $action: TimerAction!) {
    controlTimer(agendaItemId: $a, action: $action) {
      agendaItem { id timer { status durationSeconds deadline remainingSeconds } }
      errors { field code message }
    }
  }
`);
const CREATE_POLL = graphql(`
  mutation RoomCreatePoll($m: ID!, $question: String!, $options: [String!]!, $kind: PollKind!, $maxChoices: Int, $eligibility: Eligibility!) {
    createPoll(meetingId: $m, question: $question, options: $options, kind: $kind, maxChoices: $maxChoices, eligibility: $eligibility) {
      poll { id } errors { field code message }
    }
  }
`);
const OPEN_POLL = graphql(`
  mutation RoomOpenPoll($p: ID!) { openPoll(pollId: $p) { poll { id state } errors { field code message } } }
`);
const CLOSE_POLL = graphql(`
  mutation RoomClosePoll($p: ID!) { closePoll(pollId: $p) { poll { id state } errors { field code message } } }
`);
const OPEN_SCORING = graphql(`
  mutation RoomOpenScoring($m: ID!, $title: String!, $targets: [String!]!, $scale: ScoringScale!, $minBallots: Int!) {
    openScoring(meetingId: $m, title: $title, targets: $targets, scale: $scale, minBallots: $minBallots) {
      accepted errors { field code message }
    }
  }
`);
const CLOSE_SCORING = graphql(`
  mutation RoomCloseScoring($s: ID!) { closeScoring(sheetId: $s) { accepted errors { field code message } } }
`);
const HIDE = graphql(`
  mutation RoomHideComment($c: ID!, $reason: String!) {
    hideComment(commentId: $c, reason: $reason) { comment { id hidden } errors { field code message } }
  }
`);
const APPROVE = graphql(`
  mutation RoomApproveComment($c: ID!) {
    approveComment(commentId: $c) { comment { id approved } errors { field code message } }
  }
`);
const ANSWER = graphql(`
  mutation RoomAnswer($c: ID!) { answerQuestion(commentId: $c) { comment { id } errors { field code message } } }
`);
const SPEAKING = graphql(`
  mutation RoomSpeaking($r: ID!, $state: SpeakingState!) {
    updateSpeakingRequest(requestId: $r, state: $state) { state errors { field code message } }
  }
`);
const MINUTES = graphql(`
  mutation RoomMinutes($m: ID!, $text: String!) { setMinutes(meetingId: $m, text: $text) { errors { field code message } } }
`);

type Room = Extract<NonNullable<MeetingRoomQuery["node"]>, { title: string }>;
type Poll = Room["polls"][number];
type Participant = { userId?: string | null; role: string; invited: boolean; checkedInAt?: string | null; checkInMode?: string | null };
type LiveData = MeetingRoomLiveSubscription["meetingLive"]["data"];

interface LocalTimer {
  status: string;
  remaining: number; // seconds left at `base`
  base: number; // performance.now() when `remaining` was read
  deadline: string | null;
  duration: number;
}

/** 满意 / 基本满意 / 不满意 counts in that order (JSON objects keep no order). */
const LEVELS = ["满意", "基本满意", "不满意"];
const levels = (counts: Record<string, number>) =>
  [...LEVELS.filter((k) => k in counts), ...Object.keys(counts).filter((k) => !LEVELS.includes(k))].map((k) => `${k} ${counts[k]}`);

const lines = (text: string) => text.split("\n").map((s) => s.trim()).filter(Boolean);

/** A panel: a section with its title, an alert line for its buttons' errors, a body
 * (re-rendered from the state) and a tail (its forms, placed once: a re-render never
 * moves them, so the focus and the text being typed stay). */
function panel(id: string, title: string): { section: HTMLElement; body: HTMLElement; tail: HTMLElement; alert: HTMLElement } {
  const alert = h("p", { class: "error", role: "alert" });
  alert.hidden = true;
  const body = h("div", { class: "panel-body" });
  const tail = h("div", { class: "panel-forms" });
  const section = h("section", { class: "card room-panel", id, "aria-labelledby": `${id}-title` }, h("h2", { id: `${id}-title` }, title), alert, body, tail);
  return { section, body, tail, alert };
}

export const meetingRoomPage: Page = async (main, params) => {
  const meetingId = params.id;
  const stream = `meeting:${meetingId}`;
  const status = statusLine();
  status.id = "room-status";
  const timerAlert = h("p", { class: "timer-alert", id: "timer-alert", role: "alert" });
  const header = h("div", { class: "room-head" });
  const lifecycle = h("div", { class: "actions", id: "lifecycle" });
  const attendanceP = panel("attendance", "签到");
  const agendaP = panel("agenda", "议程与发言计时");
  const pollsP = panel("polls", "表决");
  const scoringP = panel("scoring", "测评票");
  const commentsP = panel("moderation", "留言审核");
  const queueP = panel("queue", "发言排队");
  const minutesP = panel("minutes", "会议纪要");
  const recordP = panel("record", "结束会议与会议记录");

  const names = new Map<string, string>();
  const timers = new Map<string, LocalTimer>();
  let room: Room | null = null;
  let participants: Participant[] = [];

  const nameOf = (userId: string | null | undefined) => (userId ? (names.get(userId) ?? "（未知）") : "—");

  async function loadNames(ids: (string | null | undefined)[]): Promise<void> {
    const missing = [...new Set(ids.filter((x): x is string => !!x && !names.has(x)))];
    for (let i = 0; i < missing.length; i += 100) {
      const data = await query(NAMES, { ids: missing.slice(i, i + 100) });
      for (const n of data.nodes) if (n && "displayName" in n) names.set(n.id, n.displayName);
    }
  }

  /** Run a host action; its errors go to `alert` (else `status` says `done`), then reload. */
  async function act(alert: HTMLElement, done: string, run: () => Promise<readonly FieldError[]>, button?: HTMLButtonElement): Promise<readonly FieldError[]> {
    if (button) button.disabled = true;
    alert.hidden = true;
    try {
      const errors = await run();
      if (errors.length) {
        alert.textContent = errors.map((e) => e.message).join("；");
        alert.hidden = false;
      } else {
        status.textContent = done;
        scheduleReload();
      }
      return errors;
    } catch (e) {
      alert.textContent = (e as Error).message;
      alert.hidden = false;
      return [{ message: (e as Error).message }];
    } finally {
      if (button) button.disabled = false;
    }
  }

  function button(text: string, attrs: Record<string, string>, onclick: (b: HTMLButtonElement) => void, secondary = false): HTMLButtonElement {
    const b = h("button", { type: "button", class: secondary ? "secondary" : "", ...attrs }, text);
    b.addEventListener("click", () => onclick(b));
    return b;
  }

  // ---- the forms (built once) -------------------------------------------------------

  const itemTitle = input();
  const itemSpeaker = input();
  const itemMinutes = input({ type: "number", inputmode: "numeric", min: "1", value: "10" });
  const addItemForm = form({
    title: "添加议程",
    className: "agenda-form",
    submit: "添加",
    fields: [
      field("title", "议程名称", itemTitle),
      field("speakerName", "发言人", itemSpeaker),
      field("durationSeconds", "发言时长（分钟）", itemMinutes, "述职时间不超过10分钟"),
    ],
    onSubmit: async () => {
      const minutes = Number(itemMinutes.value);
      const r = await mutate(ADD_ITEM, {
        m: meetingId,
        title: itemTitle.value,
        speakerName: itemSpeaker.value || null,
        durationSeconds: itemMinutes.value ? Math.round(minutes * 60) : null,
      });
      if (!r.addAgendaItem.errors.length) {
        itemTitle.value = itemSpeaker.value = "";
        status.textContent = "已添加议程";
        scheduleReload();
      }
      return r.addAgendaItem.errors;
    },
  });

  const question = input();
  const options = textarea({ rows: "4" });
  const pollKind = select([["SINGLE", "单选"], ["MULTIPLE", "多选"]]);
  const maxChoices = input({ type: "number", inputmode: "numeric", min: "1" });
  const eligibility = select(Object.entries(ELIGIBILITY));
  const pollForm = form({
    title: "新建表决",
    className: "poll-form",
    submit: "创建表决",
    fields: [
      field("question", "表决事项", question),
      field("options", "选项（每行一项，2到20项）", options),
      field("kind", "方式", pollKind),
      field("maxChoices", "最多可选几项（多选时填写）", maxChoices),
      field("eligibility", "投票范围", eligibility),
    ],
    onSubmit: async () => {
      const r = await mutate(CREATE_POLL, {
        m: meetingId,
        question: question.value,
        options: lines(options.value),
        kind: pollKind.value as PollKind,
        maxChoices: maxChoices.value ? Number(maxChoices.value) : null,
        eligibility: eligibility.value as Eligibility,
      });
      if (!r.createPoll.errors.length) {
        question.value = options.value = maxChoices.value = "";
        status.textContent = "已创建表决，可开始表决";
        scheduleReload();
      }
      return r.createPoll.errors;
    },
  });

  const sheetTitle = input();
  const targets = textarea({ rows: "4" });
  const scale = select(Object.entries(SCORING_SCALE));
  const minBallots = input({ type: "number", inputmode: "numeric", min: "3", value: "5" });
  const scoringForm = form({
    title: "发起测评",
    className: "scoring-form",
    submit: "开始测评",
    fields: [
      field("title", "测评名称", sheetTitle),
      field("targets", "测评对象（每行一个单位或人员）", targets),
      field("scale", "测评方式", scale),
      field("minBallots", "最少票数（少于此数不公布结果）", minBallots),
    ],
    onSubmit: async () => {
      const r = await mutate(OPEN_SCORING, {
        m: meetingId,
        title: sheetTitle.value,
        targets: lines(targets.value),
        scale: scale.value as ScoringScale,
        minBallots: Number(minBallots.value || "5"),
      });
      if (!r.openScoring.errors.length) {
        sheetTitle.value = targets.value = "";
        status.textContent = "测评已开始";
        scheduleReload();
      }
      return r.openScoring.errors;
    },
  });

  const hideWhich = select([]);
  const hideReason = textarea({ rows: "2" });
  const hideForm = form({
    title: "屏蔽留言",
    className: "hide-form",
    submit: "屏蔽",
    fields: [field("commentId", "留言", hideWhich), field("reason", "屏蔽理由（记入会议记录）", hideReason)],
    onSubmit: async () => {
      if (!hideWhich.value) return [{ field: "commentId", message: "请选择要屏蔽的留言" }];
      const r = await mutate(HIDE, { c: hideWhich.value, reason: hideReason.value });
      if (!r.hideComment.errors.length) {
        hideReason.value = "";
        status.textContent = "已屏蔽留言";
        scheduleReload();
      }
      return r.hideComment.errors;
    },
  });

  const minutesText = textarea({ rows: "8" });
  let minutesShown: string | null = null;
  const minutesForm = form({
    title: "编写纪要",
    className: "minutes-form",
    submit: "保存纪要",
    fields: [field("text", "会议纪要（封存前可修改）", minutesText)],
    onSubmit: async () => {
      const r = await mutate(MINUTES, { m: meetingId, text: minutesText.value });
      if (!r.setMinutes.errors.length) {
        minutesShown = minutesText.value;
        status.textContent = "纪要已保存";
        scheduleReload();
      }
      return r.setMinutes.errors;
    },
  });

  const sealForm = form({
    title: "结束会议并封存记录",
    className: "seal-form",
    submit: "结束会议并封存",
    fields: [],
    extra: h("p", { class: "hint" }, "结束后进行中的表决和测评随即结束，计时停止，会议记录封存（记录链哈希），不能再修改。"),
    onSubmit: async () => {
      const r = await mutate(CLOSE, { m: meetingId });
      if (!r.closeMeeting.errors.length) {
        status.textContent = "会议已结束，记录已封存";
        scheduleReload();
      }
      return r.closeMeeting.errors;
    },
  });

  agendaP.tail.append(addItemForm.element);
  pollsP.tail.append(pollForm.element);
  scoringP.tail.append(scoringForm.element);
  commentsP.tail.append(hideForm.element);
  const handledBox = h("div", { class: "panel-body" });
  commentsP.section.append(handledBox);
  minutesP.tail.append(minutesForm.element);
  recordP.tail.append(sealForm.element);

  // ---- rendering -------------------------------------------------------------------

  /** Where the focus is, as something a re-render keeps: the panel, the row's id, the
   * button's text (a re-rendered list gets new buttons). */
  const ROW = "[data-item],[data-poll],[data-sheet],[data-comment],[data-request],[data-user]";
  function focusKey(): [string, string, string] | null {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el.tagName !== "BUTTON" || !main.contains(el) || el.closest("form")) return null;
    const row = el.closest<HTMLElement>(ROW);
    const panelId = el.closest<HTMLElement>(".room-panel")?.id ?? "";
    return [panelId, row ? JSON.stringify(row.dataset) : "", el.textContent ?? ""];
  }
  function restoreFocus(key: [string, string, string] | null): void {
    if (!key || (document.activeElement && document.activeElement !== document.body)) return;
    const panelEl = document.getElementById(key[0]);
    if (!panelEl) return;
    for (const b of panelEl.querySelectorAll<HTMLButtonElement>("button")) {
      const row = b.closest<HTMLElement>(ROW);
      if ((row ? JSON.stringify(row.dataset) : "") === key[1] && b.textContent === key[2]) return b.focus();
    }
    panelEl.querySelector<HTMLElement>("h2")?.setAttribute("tabindex", "-1");
    panelEl.querySelector<HTMLElement>("h2")?.focus(); // its row is gone (checked in, closed…): the panel
  }

  function render(m: Room, timersFromQuery: boolean): void {
    const focus = focusKey();
    document.title = `${m.title} · 会议主持台`;
    fill(
      header,
      h("h1", {}, m.title),
      h(
        "p",
        { class: "meta" },
        h("span", { id: "meeting-state" }, meetingStateBadge(m.state)),
        h("span", {}, label(MEETING_KIND, m.kind)),
        h("span", {}, label(MEETING_MODE, m.mode)),
        h("span", {}, `开始 ${when(m.startsAt)}`),
        h("span", {}, `主办：${m.hostUnit?.name ?? "—"}`),
        m.venue ? h("span", {}, `地点：${m.venue.name}`) : null,
      ),
    );
    const live = m.state === "LIVE";
    if (!live) timerAlert.textContent = ""; // a warning is for the meeting in progress
    fill(
      lifecycle,
      m.state === "DRAFT"
        ? button("发布公告", { id: "announce" }, (b) =>
            void act(recordP.alert, "已发布会议公告", async () => {
              const r = (await mutate(ANNOUNCE, { m: meetingId })).announceMeeting;
              if (r.warnings.length) status.textContent = r.warnings.join("；");
              return r.errors;
            }, b), true)
        : null,
      m.state === "DRAFT" || m.state === "ANNOUNCED"
        ? button("开始会议", { id: "start-meeting" }, (b) =>
            void act(recordP.alert, "会议已开始", async () => (await mutate(START, { m: meetingId })).startMeeting.errors, b))
        : null,
    );
    renderAttendance(m);
    // the query's timers, unless a timer event came while it was read (that one is newer)
    if (timersFromQuery) for (const a of m.agenda) syncTimer(a.id, a.timer, false);
    renderAgenda(m);
    fill(pollsP.body, m.polls.length ? h("ul", { class: "plain" }, ...m.polls.map(pollCard)) : h("p", { class: "muted" }, "尚无表决"));
    pollForm.element.hidden = !live;
    scoringForm.element.hidden = !live;
    addItemForm.element.hidden = hideForm.element.hidden = minutesForm.element.hidden = !!m.sealedAt;
    sealForm.element.hidden = !live || !!m.sealedAt;
    renderScoring(m);
    renderComments(m);
    renderQueue(m);
    if (minutesShown === null || (document.activeElement !== minutesText && minutesText.value === minutesShown)) {
      minutesText.value = minutesShown = m.minutes ?? "";
    }
    fill(
      minutesP.body,
      m.sealedAt ? h("p", { class: "minutes-text" }, m.minutes || "（无纪要）") : null,
    );
    renderRecord(m);
    restoreFocus(focus);
  }

  function renderAttendance(m: Room): void {
    const waiting = participants.filter((p) => !p.checkedInAt);
    const present = participants.filter((p) => p.checkedInAt);
    fill(
      attendanceP.body,
      h("p", { class: "kpi-value", id: "attendance-count" }, `已签到 ${m.attendance} 人`, h("span", { class: "muted" }, ` / 参会名单 ${participants.length} 人`)),
      h("h3", {}, "未签到"),
      waiting.length
        ? h(
            "ul",
            { class: "plain", id: "not-checked-in" },
            ...waiting.map((p) =>
              h(
                "li",
                { class: "row", "data-user": p.userId ?? "" },
                h("span", {}, nameOf(p.userId), " · ", label(PARTICIPANT_ROLE, p.role)),
                m.state === "LIVE" || m.state === "ANNOUNCED"
                  ? button("签到", { class: "check-in", "aria-label": `为${nameOf(p.userId)}签到` }, (b) =>
                      void act(attendanceP.alert, `${nameOf(p.userId)} 已签到`, async () => (await mutate(CHECK_IN, { m: meetingId, u: p.userId })).checkIn.errors, b))
                  : null,
              ),
            ),
          )
        : h("p", { class: "muted" }, "名单上的人员均已签到"),
      h("h3", {}, "已签到"),
      present.length
        ? h(
            "ul",
            { class: "plain", id: "checked-in" },
            ...present.map((p) =>
              h("li", { "data-user": p.userId ?? "" }, nameOf(p.userId), ` · ${label(PARTICIPANT_ROLE, p.role)} · ${when(p.checkedInAt)}`, p.checkInMode === "ONLINE" ? " · 线上" : ""),
            ),
          )
        : h("p", { class: "muted" }, "尚无人签到"),
    );
  }

  function syncTimer(id: string, t: { status: string; deadline?: string | null; remainingSeconds?: number | null; durationSeconds: number }, fromEvent: boolean): void {
    const known = timers.get(id);
    if (!fromEvent && known && known.status === t.status && known.deadline === (t.deadline ?? null)) return;
    let remaining = t.remainingSeconds ?? t.durationSeconds;
    if (!fromEvent && t.status === "RUNNING" && t.deadline) {
      remaining = Math.min(remaining, (new Date(t.deadline).getTime() - Date.now()) / 1000);
    }
    timers.set(id, { status: t.status, remaining, base: performance.now(), deadline: t.deadline ?? null, duration: t.durationSeconds });
  }

  function left(t: LocalTimer): number {
    return t.status === "RUNNING" ? t.remaining - (performance.now() - t.base) / 1000 : t.remaining;
  }

  function tick(): void {
    for (const [id, t] of timers) {
      const el = agendaP.body.querySelector<HTMLElement>(`[data-timer="${CSS.escape(id)}"]`);
      if (!el) continue;
      const text = clock(left(t));
      if (el.textContent !== text) el.textContent = text;
    }
  }

  function renderAgenda(m: Room): void {
    const live = m.state === "LIVE";
    fill(
      agendaP.body,
      m.agenda.length
        ? h(
            "ol",
            { class: "plain agenda" },
            ...m.agenda.map((a) => {
              const t = timers.get(a.id)!;
              const control = (text: string, action: TimerAction, secondary = false) =>
                button(text, { "data-action": action }, (b) =>
                  void act(agendaP.alert, `${a.title}：${text}`, async () => {
                    const r = (await mutate(TIMER, { a: a.id, action })).controlTimer;
                    if (r.agendaItem) syncTimer(a.id, r.agendaItem.timer, true);
                    return r.errors;
                  }, b), secondary);
              return h(
                "li",
                { class: "agenda-item", "data-item": a.id, "data-status": t.status },
                h("div", {}, h("strong", {}, `${a.position}. ${a.title}`), a.speakerName ? ` · 发言人：${a.speakerName}` : ""),
                h(
                  "p",
                  { class: "meta" },
                  h("span", { class: `timer timer-${t.status.toLowerCase()}`, "data-timer": a.id, role: "timer", "aria-label": `${a.title}剩余时间` }, clock(left(t))),
                  h("span", { class: "timer-status" }, label(TIMER_STATUS, t.status)),
                  h("span", { class: "muted" }, `限时 ${clock(t.duration)}`),
                ),
                live
                  ? h(
                      "div",
                      { class: "actions" },
                      t.status === "IDLE" || t.status === "STOPPED" ? control(t.status === "IDLE" ? "开始计时" : "重新计时", "START") : null,
                      t.status === "RUNNING" ? control("暂停", "PAUSE", true) : null,
                      t.status === "PAUSED" ? control("继续", "RESUME") : null,
                      t.status === "RUNNING" || t.status === "PAUSED" ? control("停止", "STOP", true) : null,
                    )
                  : null,
              );
            }),
          )
        : h("p", { class: "muted" }, "尚无议程"),
    );
  }

  function pollCard(p: Poll): HTMLElement {
    const total = Math.max(p.totalVotes, 1);
    return h(
      "li",
      { class: "poll", "data-poll": p.id, "data-state": p.state },
      h("h3", {}, p.question, " ", h("span", { class: `badge poll-${p.state.toLowerCase()}` }, label(POLL_STATE, p.state))),
      h("p", { class: "muted" }, `${p.kind === "MULTIPLE" ? `多选，最多${p.maxChoices}项` : "单选"} · 投票范围：${label(ELIGIBILITY, p.eligibility)}`),
      h(
        "ul",
        { class: "plain tally" },
        ...p.options.map((o, i) =>
          h(
            "li",
            { "data-option": String(i) },
            h("span", { class: "option" }, o),
            h("progress", { max: String(total), value: String(p.counts[i] ?? 0), "aria-label": `${o}得票` }),
            h("span", { class: "count" }, `${p.counts[i] ?? 0} 票`),
          ),
        ),
      ),
      h("p", { class: "total" }, `已投票 `, h("span", { class: "total-votes" }, String(p.totalVotes)), " 人", p.state === "OPEN" ? "（实时）" : p.state === "CLOSED" ? "（最终结果）" : ""),
      h(
        "div",
        { class: "actions" },
        p.state === "DRAFT" && room?.state === "LIVE"
          ? button("开始表决", { class: "open-poll" }, (b) =>
              void act(pollsP.alert, "表决已开始", async () => (await mutate(OPEN_POLL, { p: p.id })).openPoll.errors, b))
          : null,
        p.state === "OPEN"
          ? button("结束表决", { class: "close-poll" }, (b) =>
              void act(pollsP.alert, "表决已结束", async () => (await mutate(CLOSE_POLL, { p: p.id })).closePoll.errors, b))
          : null,
      ),
    );
  }

  function tally(pollId: string, counts: number[], totalVotes: number): void {
    if (!room) return;
    const p = room.polls.find((x) => x.id === pollId);
    if (!p || p.state === "CLOSED") return; // a closed poll's counts are the exact ones
    p.counts = counts;
    p.totalVotes = totalVotes;
    pollsP.body.querySelector(`[data-poll="${CSS.escape(pollId)}"]`)?.replaceWith(pollCard(p));
  }

  function renderScoring(m: Room): void {
    fill(
      scoringP.body,
      m.scoringSheets.length
        ? h(
            "ul",
            { class: "plain" },
            ...m.scoringSheets.map((s) => {
              const r = (s.results ?? null) as { ballots?: number; withheld?: boolean; tookPart?: number; targets?: Record<string, unknown>[] } | null;
              return h(
                "li",
                { class: "sheet", "data-sheet": s.id, "data-state": s.state },
                h("h3", {}, s.title, " ", h("span", { class: "badge" }, s.state === "OPEN" ? "测评中" : "已结束")),
                h("p", { class: "muted" }, `${label(SCORING_SCALE, s.scale)} · 对象：${s.targets.join("、")} · 少于${s.minBallots}票不公布`),
                s.turnout
                  ? h(
                      "div",
                      {},
                      h("p", { class: "turnout" }, `可参加 ${s.turnout.eligible} 人 · 已计入 ${s.turnout.counted} 票 · 待计入 ${s.turnout.pending} 票`),
                      s.turnout.notCounted.length
                        ? h("p", { class: "muted" }, `尚未计入：${s.turnout.notCounted.map((x) => x.name).join("、")}`)
                        : null,
                    )
                  : null,
                r
                  ? r.withheld
                    ? h("p", {}, `参加 ${r.tookPart ?? 0} 人，少于${s.minBallots}票，结果不公布`)
                    : h(
                        "ul",
                        { class: "plain results" },
                        ...(r.targets ?? []).map((t) =>
                          h(
                            "li",
                            {},
                            h("strong", {}, String(t.target)),
                            "：",
                            t.counts
                              ? levels(t.counts as Record<string, number>).join("，") +
                                  (t.satisfactionRate != null ? `，满意率 ${(Number(t.satisfactionRate) * 100).toFixed(1)}%` : "")
                              : `平均 ${t.average ?? "—"} 分（${t.min ?? "—"}–${t.max ?? "—"}）`,
                          ),
                        ),
                      )
                  : null,
                s.state === "OPEN"
                  ? h("div", { class: "actions" }, button("结束测评", { class: "close-scoring" }, (b) =>
                      void act(scoringP.alert, "测评已结束，结果已公布", async () => (await mutate(CLOSE_SCORING, { s: s.id })).closeScoring.errors, b)))
                  : null,
              );
            }),
          )
        : h("p", { class: "muted" }, "尚无测评"),
    );
  }

  function renderComments(m: Room): void {
    const all = m.comments.edges.map((e) => e.node);
    const queue = all.filter((c) => !c.hidden && !c.approved && !c.answeredLive && !c.handedOverUnitId);
    const handled = all.filter((c) => !queue.includes(c));
    const chosen = hideWhich.value;
    fill(hideWhich, h("option", { value: "" }, "请选择留言"), ...all.filter((c) => !c.hidden).map((c) => h("option", { value: c.id }, `${nameOf(c.authorId)}：${(c.body ?? "").slice(0, 30)}`)));
    hideWhich.value = all.some((c) => c.id === chosen && !c.hidden) ? chosen : "";
    const card = (c: (typeof all)[number], actions: boolean) =>
      h(
        "li",
        { class: "comment", "data-comment": c.id },
        h("p", { class: "meta" }, h("strong", {}, nameOf(c.authorId)), h("span", {}, c.kind === "QUESTION" ? "提问" : "留言"), h("time", { datetime: c.createdAt }, when(c.createdAt))),
        h("p", { class: "comment-body" }, c.body ?? ""),
        c.hidden
          ? h("p", { class: "badge danger" }, `已屏蔽：${c.hiddenReason ?? ""}`)
          : c.answeredLive
            ? h("p", { class: "badge" }, "已现场答复")
            : c.handedOverUnitId
              ? h("p", { class: "badge" }, "已转交办理")
              : c.approved
                ? h("p", { class: "badge" }, "已通过")
                : null,
        actions && !m.sealedAt
          ? h(
              "div",
              { class: "actions" },
              button("通过", { class: "approve" }, (b) =>
                void act(commentsP.alert, "已通过，留言保持公开", async () => (await mutate(APPROVE, { c: c.id })).approveComment.errors, b)),
              c.kind === "QUESTION"
                ? button("现场已答复", { class: "answer" }, (b) =>
                    void act(commentsP.alert, "已标记为现场答复", async () => (await mutate(ANSWER, { c: c.id })).answerQuestion.errors, b), true)
                : null,
              button("屏蔽…", { class: "hide secondary" }, () => {
                hideWhich.value = c.id;
                hideReason.focus();
              }, true),
            )
          : null,
      );
    fill(
      commentsP.body,
      h("p", { class: "hint" }, "留言发出即公开；审核通过即保持公开，屏蔽后听众不再看到内容（内容和理由记入会议记录）。"),
      h("h3", {}, `待审核（${queue.length}）`),
      queue.length ? h("ul", { class: "plain", id: "moderation-queue" }, ...queue.map((c) => card(c, true))) : h("p", { class: "muted", id: "moderation-queue" }, "没有待审核的留言"),
    );
    fill(
      handledBox,
      h("h3", {}, `已处理（${handled.length}）`),
      h("ul", { class: "plain", id: "moderated" }, ...handled.map((c) => card(c, false))),
    );
  }

  function renderQueue(m: Room): void {
    const open = m.speakingQueue.filter((r) => r.state === "WAITING" || r.state === "SPEAKING");
    const set = (r: (typeof open)[number], state: SpeakingState, text: string, done: string, secondary = false) =>
      button(text, { "data-state": state }, (b) =>
        void act(queueP.alert, done, async () => (await mutate(SPEAKING, { r: r.id, state })).updateSpeakingRequest.errors, b), secondary);
    fill(
      queueP.body,
      open.length
        ? h(
            "ol",
            { class: "plain", id: "speaking-queue" },
            ...open.map((r) =>
              h(
                "li",
                { class: "hand", "data-request": r.id, "data-state": r.state },
                h("p", {}, h("strong", {}, nameOf(r.userId)), ` · ${label(SPEAKING_STATE, r.state)}`, r.topic ? ` · ${r.topic}` : ""),
                m.state === "LIVE"
                  ? h(
                      "div",
                      { class: "actions" },
                      r.state === "WAITING" ? set(r, "SPEAKING", "准许发言", `已准许 ${nameOf(r.userId)} 发言`) : null,
                      r.state === "SPEAKING" ? set(r, "DONE", "发言结束", "发言结束") : null,
                      set(r, "WITHDRAWN", "取消", "已取消该发言申请", true),
                    )
                  : null,
              ),
            ),
          )
        : h("p", { class: "muted" }, "没有人举手"),
    );
  }

  function renderRecord(m: Room): void {
    if (!m.sealedAt) {
      fill(recordP.body, m.state === "LIVE" ? null : h("p", { class: "muted" }, "会议开始后可结束并封存记录。"));
      return;
    }
    const download = h("a", { href: `/meetings/${encodeURIComponent(meetingId)}/record.docx`, class: "button", id: "record-docx", download: `${m.title}-协商记录.docx` }, "下载会议记录（Word）");
    download.addEventListener("click", async (event) => {
      event.preventDefault();
      recordP.alert.hidden = true;
      const session = await freshSession();
      const response = await fetch(download.href, { headers: { Authorization: `Bearer ${session.accessToken}`, "X-Tenant": session.county } });
      if (!response.ok) {
        recordP.alert.textContent = "下载失败，请稍后重试";
        recordP.alert.hidden = false;
        return;
      }
      const a = h("a", { href: URL.createObjectURL(await response.blob()), download: `${m.title}-协商记录.docx` });
      document.body.append(a);
      a.click();
      a.remove();
    });
    fill(
      recordP.body,
      h("dl", { class: "facts" },
        h("dt", {}, "封存时间"), h("dd", {}, when(m.sealedAt)),
        h("dt", {}, "记录链哈希"), h("dd", { class: "hash", id: "sealed-hash" }, m.sealedHash ?? "—"),
        h("dt", {}, "状态"), h("dd", {}, meetingStateBadge(m.state)),
      ),
      h(
        "div",
        { class: "actions" },
        download,
        m.state === "CLOSED"
          ? button("向全县公开记录", { id: "publish-record" }, (b) =>
              void act(recordP.alert, "记录已公开", async () => (await mutate(PUBLISH, { m: meetingId })).publishMeetingRecord.errors, b), true)
          : null,
      ),
    );
  }

  // ---- loading ---------------------------------------------------------------------

  async function loadParticipants(): Promise<Participant[]> {
    const out: Participant[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 50; pages++) {
      const data = await query(PARTICIPANTS, { id: meetingId, after });
      const node = data.node as { participants?: { edges: { node: Participant }[]; pageInfo: { hasNextPage: boolean; endCursor?: string | null } } } | null;
      if (!node?.participants) break;
      out.push(...node.participants.edges.map((e) => e.node));
      if (!node.participants.pageInfo.hasNextPage) break;
      after = node.participants.pageInfo.endCursor ?? null;
    }
    return out;
  }

  let reloading: Promise<void> | null = null;
  let again = false;
  let failures = 0;
  let timerEvents = 0;
  async function reload(): Promise<void> {
    const mark = timerEvents;
    const [data, people] = await Promise.all([query(ROOM, { id: meetingId }), loadParticipants()]);
    const node = data.node as Room | null;
    if (!node || !("title" in node)) {
      fill(main, h("h1", {}, "会议不存在或无权查看"), h("a", { href: href("/meetings") }, "返回会议列表"));
      room = null;
      return;
    }
    participants = people;
    await loadNames([...people.map((p) => p.userId), ...node.speakingQueue.map((r) => r.userId), ...node.comments.edges.map((e) => e.node.authorId)]);
    room = node;
    render(node, mark === timerEvents);
    main.dataset.loaded = String(Number(main.dataset.loaded ?? "0") + 1);
  }
  function scheduleReload(): void {
    if (reloading) {
      again = true;
      return;
    }
    reloading = reload()
      .then(() => void (failures = 0))
      .catch((e: Error) => {
        status.textContent = e.message;
        // a failed read (the service busy, a lost connection) is tried again, a few times
        if (++failures <= 3) window.setTimeout(scheduleReload, 2000 * failures);
      })
      .finally(() => {
        reloading = null;
        if (again) {
          again = false;
          scheduleReload();
        }
      });
  }

  function onLive(seq: number, type: string, data: LiveData): void {
    main.dataset.seq = String(seq);
    if (data.__typename === "PollTally") {
      tally(data.pollId, data.counts, data.totalVotes);
      return;
    }
    if (data.__typename === "TimerUpdate") {
      timerEvents += 1;
      syncTimer(data.agendaItemId, data, true);
      const item = room?.agenda.find((a) => a.id === data.agendaItemId);
      if (data.warning === "ONE_MINUTE_LEFT") timerAlert.textContent = `「${item?.title ?? "发言"}」剩余1分钟`;
      else if (data.warning === "TIME_UP") timerAlert.textContent = `「${item?.title ?? "发言"}」时间到`;
      else if (type === "timer.start") timerAlert.textContent = "";
      if (room) renderAgenda(room);
      return;
    }
    scheduleReload(); // anything else (check-in, polls, comments, hands…): the state again
  }

  fill(
    main,
    h("p", {}, h("a", { href: href("/meetings") }, "← 返回会议列表")),
    header,
    lifecycle,
    status,
    timerAlert,
    h(
      "div",
      { class: "room-grid" },
      h("div", {}, agendaP.section, pollsP.section, scoringP.section, minutesP.section),
      h("div", {}, attendanceP.section, queueP.section, commentsP.section, recordP.section),
    ),
  );

  const head = (await query(HEAD, { stream })).streamEventPage.headSeq;
  await reload();
  if (!room) return;
  const ticker = window.setInterval(tick, 250);
  const stop = live(
    LIVE,
    { meetingId, after: head },
    (d) => d.meetingLive.seq,
    (d) => onLive(d.meetingLive.seq, d.meetingLive.type, d.meetingLive.data),
    (message) => (status.textContent = message),
    (d) => d.meetingLive.type === "poll.tally" || d.meetingLive.type === "scoring.turnout",
  );
  // Tallies and turnout are live-only (not in the log, so not replayed with `after`):
  // back from a lost connection, the state is read again.
  const stopConnection = onConnection((up) => {
    if (up) scheduleReload();
  });
  return () => {
    window.clearInterval(ticker);
    stopConnection();
    stop();
  };
};
