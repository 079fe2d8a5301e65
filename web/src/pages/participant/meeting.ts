// The live meeting view (会议现场) for a participant, or for anyone of the county watching
// anonymously: the current agenda item and its speech timer, the open polls with vote
// buttons and the live tally, the scoring sheets (测评票), comments with a submit box, and
// raising a hand with my place in the speaking queue. Everything follows `meetingLive`
// (resumed with `after`); a section is rebuilt only when what it shows changed shape, so a
// live event never takes the text being typed or the focus.
import { live, mutate, onConnection, query } from "../../api";
import { append, fill, h, when } from "../../dom";
import { field, form, input, select, textarea } from "../../forms";
import { graphql } from "../../gql";
import type { ParticipantLiveSubscription, ParticipantMeetingQuery } from "../../gql/graphql";
import { BALLOT_STATUS, MEETING_KIND, MEETING_STATE, label } from "../../labels";
import { href, type Page } from "../../router";
import { statusLine } from "../common";
import { person } from "./person";

const HEAD = graphql(`
  query ParticipantMeetingHead($stream: String!) {
    streamEventPage(stream: $stream, first: 1) { headSeq }
  }
`);

const MEETING = graphql(`
  query ParticipantMeeting($id: ID!) {
    node(id: $id) {
      ... on Meeting {
        id title kind mode state startsAt description attendance requiredVerification
        venue { name }
        agenda { id position title speakerName timer { status durationSeconds deadline remainingSeconds } }
        polls { id question kind options maxChoices state counts totalVotes }
        scoringSheets { id title scale targets state minBallots myBallot results }
        speakingQueue { id state topic }
        comments(first: 50) { edges { node { id kind body createdAt hidden answeredLive parentId } } }
      }
    }
  }
`);

const LIVE = graphql(`
  subscription ParticipantLive($meetingId: ID!, $after: Int) {
    meetingLive(meetingId: $meetingId, after: $after) {
      seq type at
      data {
        __typename
        ... on TimerUpdate { agendaItemId status deadline remainingSeconds durationSeconds warning }
        ... on PollTally { pollId counts totalVotes }
        ... on CommentUpdate { change commentId kind body authorName parentId }
        ... on QueueUpdate { queue { requestId name state topic } }
        ... on MeetingStateChanged { state }
        ... on ParticipantUpdate { change participants { role } }
        ... on ScoringTurnout { sheetId }
        ... on ResyncRequired { reason }
      }
    }
  }
`);

const REGISTER = graphql(`
  mutation ParticipantRegister($meetingId: ID!) {
    registerForMeeting(meetingId: $meetingId) { errors { field code message } }
  }
`);

const CHECK_IN = graphql(`
  mutation ParticipantCheckIn($meetingId: ID!) {
    checkIn(meetingId: $meetingId) { errors { field code message } }
  }
`);

const VOTE = graphql(`
  mutation ParticipantVote($pollId: ID!, $choices: [Int!]!, $idempotencyKey: String!) {
    castVote(pollId: $pollId, choices: $choices, idempotencyKey: $idempotencyKey) {
      accepted duplicate errors { field code message }
    }
  }
`);

const SCORE = graphql(`
  mutation ParticipantScore($sheetId: ID!, $answers: [String!]!) {
    castScoringBallot(sheetId: $sheetId, answers: $answers) { accepted status errors { field code message } }
  }
`);

const COMMENT = graphql(`
  mutation ParticipantComment($meetingId: ID!, $body: String!, $kind: CommentKind!) {
    postComment(meetingId: $meetingId, body: $body, kind: $kind) {
      comment { id kind body createdAt hidden answeredLive parentId }
      errors { field code message }
    }
  }
`);

const RAISE_HAND = graphql(`
  mutation ParticipantRaiseHand($meetingId: ID!, $topic: String) {
    raiseHand(meetingId: $meetingId, topic: $topic) { requestId state errors { field code message } }
  }
`);

const LOWER_HAND = graphql(`
  mutation ParticipantLowerHand($requestId: ID!) {
    updateSpeakingRequest(requestId: $requestId, state: WITHDRAWN) { requestId state errors { field code message } }
  }
`);

type MeetingNode = Extract<NonNullable<ParticipantMeetingQuery["node"]>, { __typename?: "Meeting"; title: string }>;
type LiveEvent = ParticipantLiveSubscription["meetingLive"];
type Comment = MeetingNode["comments"]["edges"][number]["node"];
type QueueRow = { requestId: string; name?: string | null; state: string; topic?: string | null };

const JOINED_KEY = "yishi.m.joined";
const HANDS_KEY = "yishi.m.hands";

/** The meetings joined in this browser tab. */
export function joined(): Set<string> {
  return new Set(JSON.parse(sessionStorage.getItem(JOINED_KEY) ?? "[]") as string[]);
}

function markJoined(id: string): void {
  sessionStorage.setItem(JOINED_KEY, JSON.stringify([...joined(), id]));
}

/** My speaking requests (the queue shows no user ids to participants). */
function myHands(): Set<string> {
  return new Set(JSON.parse(sessionStorage.getItem(HANDS_KEY) ?? "[]") as string[]);
}

function rememberHand(id: string): void {
  sessionStorage.setItem(HANDS_KEY, JSON.stringify([...myHands(), id]));
}

function key(): string {
  return crypto.randomUUID?.() ?? `${Date.now()}-${Math.random()}`;
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

const KIND_OF_COMMENT: Record<string, string> = { COMMENT: "留言", QUESTION: "提问" };

export const meetingPage: Page = async (main, params) => {
  const meetingId = params.id;
  const me = person();
  const header = h("div", { class: "m-head" });
  const joinArea = h("section", { class: "card", id: "join-area", "aria-label": "参加会议" });
  const agenda = h("section", { class: "card", id: "agenda", "aria-labelledby": "agenda-title" });
  const polls = h("section", { id: "polls", "aria-label": "表决" });
  const sheets = h("section", { id: "sheets", "aria-label": "测评" });
  const hand = h("section", { class: "card", id: "hand", "aria-labelledby": "hand-title" });
  const comments = h("section", { class: "card", id: "comments", "aria-labelledby": "comments-title" });
  const status = statusLine();
  status.id = "meeting-status";
  fill(main, h("p", {}, h("a", { href: href("/m/meetings") }, "← 全部会议")), header, status, joinArea, agenda, polls, sheets, hand, comments);

  let m: MeetingNode | null = null;
  let joinedHere = joined().has(meetingId);
  let queue: QueueRow[] = [];
  const commentList: Comment[] = [];
  const pollCards = new Map<string, { key: string; card: HTMLElement; tally: HTMLElement }>();
  const sheetCards = new Map<string, { key: string; card: HTMLElement }>();
  let warning = "";

  // ---- header and joining ----
  function renderHeader(n: MeetingNode): void {
    document.title = `${n.title} · 议事`;
    fill(
      header,
      h("h1", {}, n.title),
      h(
        "p",
        { class: "meta" },
        h("span", { class: `badge meeting-${n.state.toLowerCase()}`, id: "meeting-state" }, label(MEETING_STATE, n.state)),
        ` ${label(MEETING_KIND, n.kind)} · ${when(n.startsAt)}`,
        n.venue ? ` · ${n.venue.name}` : "",
        ` · 已签到 ${n.attendance} 人`,
      ),
    );
  }

  function renderJoin(): void {
    if (!me) {
      fill(
        joinArea,
        h("p", {}, "您正在以游客身份观看。投票、测评、留言和举手发言需要登录。"),
        h("a", { class: "button big", href: href("/m/signin") }, "登录后参加"),
      );
      return;
    }
    if (joinedHere) {
      fill(joinArea, h("p", { id: "joined" }, "✓ 您已加入本次会议（已签到）。"));
      return;
    }
    const f = form({
      title: "加入会议",
      submit: "加入会议并签到",
      className: "m-form join-form",
      fields: [],
      extra: h("p", { class: "hint" }, "加入后即可投票、测评、留言和举手发言。"),
      onSubmit: async () => {
        const reg = await mutate(REGISTER, { meetingId });
        const refused = reg.registerForMeeting.errors.filter((e) => e.code !== "ALREADY_REGISTERED");
        if (refused.length) return refused;
        const checked = await mutate(CHECK_IN, { meetingId });
        if (checked.checkIn.errors.length) return checked.checkIn.errors;
        markJoined(meetingId);
        joinedHere = true;
        status.textContent = "已加入会议";
        renderJoin();
        return [];
      },
    });
    fill(joinArea, f.element);
  }

  // ---- agenda and the speech timer ----
  let tick: number | undefined;
  function currentItem(n: MeetingNode): MeetingNode["agenda"][number] | null {
    return (
      n.agenda.find((a) => a.timer.status === "RUNNING") ??
      n.agenda.find((a) => a.timer.status === "PAUSED") ??
      [...n.agenda].reverse().find((a) => a.timer.status === "STOPPED") ??
      n.agenda[0] ??
      null
    );
  }
  const timerText = h("p", { class: "m-timer", id: "timer", role: "timer", "aria-live": "off" });
  function renderAgenda(): void {
    const item = m ? currentItem(m) : null;
    fill(agenda, h("h2", { id: "agenda-title" }, "当前议程"));
    if (!item) {
      agenda.append(h("p", { class: "muted" }, "暂无议程"));
      return;
    }
    append(agenda, [
      h("p", { class: "m-item", id: "current-item" }, `${item.position}. ${item.title}`),
      item.speakerName ? h("p", {}, `发言人：${item.speakerName}`) : null,
      timerText,
      warning ? h("p", { class: "error", role: "alert", id: "timer-warning" }, warning) : null,
    ]);
    updateTimer();
  }
  function updateTimer(): void {
    const item = m ? currentItem(m) : null;
    if (!item) return;
    const t = item.timer;
    let left = t.remainingSeconds ?? t.durationSeconds;
    if (t.status === "RUNNING" && t.deadline) left = (new Date(t.deadline).getTime() - Date.now()) / 1000;
    const what = { IDLE: "未开始", RUNNING: "发言中", PAUSED: "已暂停", STOPPED: "已结束" }[t.status] ?? t.status;
    timerText.textContent = `${what} · 剩余 ${clock(left)}（共 ${clock(t.durationSeconds)}）`;
    timerText.dataset.status = t.status;
  }

  // ---- polls ----
  function tallyOf(p: MeetingNode["polls"][number], tally: HTMLElement): void {
    const total = p.totalVotes || 0;
    fill(
      tally,
      h("p", { class: "m-total", "data-total": String(total) }, `已投 ${total} 票`),
      h(
        "ul",
        { class: "m-tally" },
        ...p.options.map((o, i) =>
          h(
            "li",
            {},
            h("span", {}, o),
            h("meter", { min: "0", max: String(Math.max(total, 1)), value: String(p.counts[i] ?? 0), "aria-label": `${o} 票数` }),
            h("span", { class: "count", "data-option": String(i) }, `${p.counts[i] ?? 0} 票`),
          ),
        ),
      ),
    );
  }
  function pollCard(p: MeetingNode["polls"][number]): { card: HTMLElement; tally: HTMLElement } {
    const tally = h("div", { class: "m-tally-box", "aria-live": "polite" });
    tallyOf(p, tally);
    const done = h("p", { class: "status", role: "status" });
    const card = h("article", { class: "card m-poll", "data-poll": p.id, "data-state": p.state },
      h("h2", {}, p.state === "OPEN" ? "表决进行中" : "表决结果"), h("p", { class: "m-question" }, p.question));
    if (p.state === "OPEN" && me) {
      const multiple = p.kind === "MULTIPLE";
      const name = `poll-${p.id}`;
      const boxes = p.options.map((o, i) =>
        h("label", { class: "m-choice" }, h("input", { type: multiple ? "checkbox" : "radio", name, value: String(i) }), h("span", {}, o)),
      );
      const f = form({
        title: multiple ? `请选择（最多 ${p.maxChoices} 项）` : "请选择一项",
        submit: "投票",
        className: "m-form vote-form",
        fields: [],
        extra: h("fieldset", { class: "m-choices" }, h("legend", { class: "sr-only" }, p.question), ...boxes),
        onSubmit: async () => {
          const choices = boxes.flatMap((b, i) => ((b.querySelector("input") as HTMLInputElement).checked ? [i] : []));
          if (!choices.length) return [{ field: "choices", message: "请先选择" }];
          const data = await mutate(VOTE, { pollId: p.id, choices, idempotencyKey: key() });
          const r = data.castVote;
          if (r.errors.length) {
            done.textContent = "";
            return r.errors;
          }
          done.textContent = "✓ 您的投票已记录";
          return [];
        },
      });
      card.append(f.element, done);
    } else if (p.state === "OPEN") {
      card.append(h("p", { class: "muted" }, "登录并加入会议后可以投票。"));
    }
    card.append(tally);
    return { card, tally };
  }
  function renderPolls(): void {
    if (!m) return;
    const shown = m.polls.filter((p) => p.state !== "DRAFT");
    for (const p of shown) {
      const k = `${p.state}`;
      const old = pollCards.get(p.id);
      if (old && old.key === k) {
        tallyOf(p, old.tally);
        continue;
      }
      const made = pollCard(p);
      if (old) old.card.replaceWith(made.card);
      else polls.prepend(made.card);
      pollCards.set(p.id, { key: k, ...made });
    }
  }
  function onTally(pollId: string, counts: number[], totalVotes: number): void {
    const p = m?.polls.find((x) => x.id === pollId);
    if (!p) return;
    p.counts = counts;
    p.totalVotes = totalVotes;
    renderPolls();
  }

  // ---- scoring sheets (测评票) ----
  function sheetCard(s: MeetingNode["scoringSheets"][number]): HTMLElement {
    const card = h("article", { class: "card m-sheet", "data-sheet": s.id, "data-state": s.state, "data-ballot": s.myBallot },
      h("h2", {}, `测评：${s.title}`));
    if (s.state === "OPEN" && me && s.myBallot === "NOT_CAST") {
      const controls = s.targets.map((t, i) =>
        s.scale === "SATISFACTION"
          ? field(`answers.${i}`, t, select([["", "请选择"], ["满意", "满意"], ["基本满意", "基本满意"], ["不满意", "不满意"]]))
          : field(`answers.${i}`, `${t}（0–100 分）`, input({ type: "number", inputmode: "numeric", min: "0", max: "100" })),
      );
      const f = form({
        title: "匿名测评票",
        submit: "提交测评票",
        className: "m-form scoring-form",
        fields: controls,
        extra: h("p", { class: "hint" }, `不记名：票数满 ${s.minBallots} 张后成批计入，提交后不能修改。`),
        onSubmit: async () => {
          const answers = controls.map((c) => c.control.value.trim());
          const missing = answers.findIndex((a) => !a);
          if (missing >= 0) return [{ field: `answers.${missing}`, message: "请对每个测评对象作答" }];
          const data = await mutate(SCORE, { sheetId: s.id, answers });
          if (data.castScoringBallot.errors.length) return data.castScoringBallot.errors;
          const now = m?.scoringSheets.find((x) => x.id === s.id); // the meeting may have been read again since
          if (now) now.myBallot = data.castScoringBallot.status ?? "PENDING";
          status.textContent = "测评票已提交";
          renderSheets();
          return [];
        },
      });
      card.append(f.element);
    } else if (s.state === "OPEN" && me) {
      card.append(h("p", { class: "m-ballot", id: `ballot-${s.id}` }, `✓ 已提交 · ${label(BALLOT_STATUS, s.myBallot)}`));
    } else if (s.state === "OPEN") {
      card.append(h("p", { class: "muted" }, "登录并加入会议后可以测评。"));
    } else {
      const results = s.results as { withheld?: boolean } | null;
      card.append(h("p", {}, results?.withheld ? "测评已结束：参评人数不足，结果不公布。" : "测评已结束，结果见会议记录。"));
      if (me && s.myBallot !== "NOT_CAST") {
        card.append(h("p", { class: "m-ballot", id: `ballot-${s.id}` }, `您的测评票：${label(BALLOT_STATUS, s.myBallot)}`));
      }
    }
    return card;
  }
  function renderSheets(): void {
    if (!m) return;
    for (const s of m.scoringSheets) {
      const k = `${s.state}/${s.myBallot}`;
      const old = sheetCards.get(s.id);
      if (old && old.key === k) continue;
      const card = sheetCard(s);
      if (old) old.card.replaceWith(card);
      else sheets.prepend(card);
      sheetCards.set(s.id, { key: k, card });
    }
  }

  // ---- raising a hand ----
  const handStatus = h("p", { id: "hand-status", role: "status", "aria-live": "polite", class: "m-hand-status" });
  const handForms = h("div", {});
  let handKey = "";
  function mine(): QueueRow | null {
    const ids = myHands();
    return queue.find((q) => ids.has(q.requestId) && (q.state === "WAITING" || q.state === "SPEAKING")) ?? null;
  }
  function renderHand(): void {
    if (!hand.firstChild) fill(hand, h("h2", { id: "hand-title" }, "举手发言"), handStatus, handForms);
    const waiting = queue.filter((q) => q.state === "WAITING");
    const speaking = queue.find((q) => q.state === "SPEAKING");
    const my = mine();
    if (my?.state === "SPEAKING") handStatus.textContent = "主持人已请您发言，请开始发言。";
    else if (my) handStatus.textContent = `您已举手，排在第 ${waiting.indexOf(my) + 1} 位（共 ${waiting.length} 人等候）。`;
    else handStatus.textContent = `${speaking ? `正在发言：${speaking.name ?? "一位参会人"}。` : ""}等候发言 ${waiting.length} 人。`;
    handStatus.dataset.state = my?.state ?? "NONE";
    const k = !me ? "anon" : my ? `mine/${my.requestId}` : "none";
    if (k === handKey) return;
    handKey = k;
    if (!me) {
      fill(handForms);
      return;
    }
    if (my) {
      const lower = form({
        title: "取消举手",
        submit: "放下手（取消发言）",
        className: "m-form lower-hand-form",
        fields: [],
        onSubmit: async () => {
          const data = await mutate(LOWER_HAND, { requestId: my.requestId });
          if (data.updateSpeakingRequest.errors.length) return data.updateSpeakingRequest.errors;
          status.textContent = "已取消举手";
          return [];
        },
      });
      fill(handForms, lower.element);
      return;
    }
    const topic = input({ autocomplete: "off" });
    const raise = form({
      title: "我要发言",
      submit: "举手",
      className: "m-form raise-hand-form",
      fields: [field("topic", "想说的事（可不填）", topic)],
      onSubmit: async () => {
        const data = await mutate(RAISE_HAND, { meetingId, topic: topic.value.trim() || null });
        const r = data.raiseHand;
        if (r.errors.length) return r.errors;
        if (r.requestId) {
          rememberHand(r.requestId);
          if (!queue.some((q) => q.requestId === r.requestId)) queue.push({ requestId: r.requestId, state: r.state ?? "WAITING", topic: topic.value });
        }
        status.textContent = "已举手，请等候主持人安排";
        renderHand();
        return [];
      },
    });
    fill(handForms, raise.element);
  }

  // ---- comments ----
  const list = h("ol", { class: "m-comments", id: "comment-list", "aria-live": "polite" });
  let commentsBuilt = false;
  function renderComments(): void {
    if (!commentsBuilt) {
      commentsBuilt = true;
      const body = textarea({ rows: "3" });
      const count = h("p", { class: "hint", "aria-live": "off" }, "0 / 500 字");
      body.addEventListener("input", () => (count.textContent = `${[...body.value].length} / 500 字`));
      const kind = select([["COMMENT", "留言"], ["QUESTION", "提问"]]);
      const f = me
        ? form({
            title: "发表留言或提问",
            submit: "发送",
            className: "m-form comment-form",
            fields: [field("kind", "类型", kind), field("body", "内容", body)],
            extra: count,
            onSubmit: async () => {
              const data = await mutate(COMMENT, { meetingId, body: body.value, kind: kind.value as "COMMENT" | "QUESTION" });
              const r = data.postComment;
              if (r.errors.length) return r.errors;
              if (r.comment) addComment(r.comment);
              body.value = "";
              count.textContent = "0 / 500 字";
              status.textContent = "已发送";
              return [];
            },
          })
        : null;
      fill(comments, h("h2", { id: "comments-title" }, "留言和提问"), f ? f.element : h("p", { class: "muted" }, "登录后可以留言。"), list);
    }
    fill(
      list,
      commentList.length
        ? commentList.map((c) =>
            h(
              "li",
              { "data-comment": c.id },
              h("span", { class: "badge" }, KIND_OF_COMMENT[c.kind] ?? c.kind),
              c.answeredLive ? h("span", { class: "badge" }, "已现场答复") : null,
              " ",
              c.hidden ? h("span", { class: "muted" }, "（该留言已被隐藏）") : c.body,
              h("span", { class: "muted m-when" }, when(c.createdAt)),
            ),
          )
        : h("li", { class: "muted" }, "还没有留言"),
    );
  }
  function addComment(c: Comment): void {
    if (commentList.some((x) => x.id === c.id)) return;
    commentList.unshift(c);
    renderComments();
  }

  // ---- loading and the live view ----
  let reloads = 0;
  async function reload(): Promise<void> {
    const mine = ++reloads;
    const data = await query(MEETING, { id: meetingId });
    if (mine !== reloads) return;
    const node = data.node as MeetingNode | null;
    if (!node || !("title" in node)) {
      fill(main, h("h1", {}, "会议不存在或无权查看"), h("a", { href: href("/m/meetings") }, "返回会议列表"));
      return;
    }
    m = node;
    queue = node.speakingQueue.map((q) => ({ requestId: q.id, state: q.state, topic: q.topic }));
    commentList.splice(0, commentList.length, ...node.comments.edges.map((e) => e.node));
    renderHeader(node);
    renderJoin();
    renderAgenda();
    renderPolls();
    renderSheets();
    renderHand();
    renderComments();
  }
  let pending: number | undefined;
  function reloadSoon(): void {
    clearTimeout(pending);
    pending = window.setTimeout(() => void reload().catch((e) => (status.textContent = String(e.message ?? e))), 150);
  }

  function onEvent(e: LiveEvent): void {
    const d = e.data;
    switch (d.__typename) {
      case "TimerUpdate": {
        const item = m?.agenda.find((a) => a.id === d.agendaItemId);
        if (item) Object.assign(item.timer, { status: d.status, deadline: d.deadline, remainingSeconds: d.remainingSeconds, durationSeconds: d.durationSeconds });
        warning = d.warning === "ONE_MINUTE_LEFT" ? "还剩 1 分钟" : d.warning === "TIME_UP" ? "发言时间到" : d.status === "RUNNING" && !d.warning ? "" : warning;
        renderAgenda();
        return;
      }
      case "PollTally":
        onTally(d.pollId, d.counts, d.totalVotes);
        return;
      case "QueueUpdate":
        queue = d.queue.map((q) => ({ requestId: q.requestId, name: q.name, state: q.state, topic: q.topic }));
        renderHand();
        return;
      case "CommentUpdate":
        if (d.change === "POSTED" && d.body !== null && d.body !== undefined) {
          addComment({ id: d.commentId, kind: d.kind ?? "COMMENT", body: d.body, createdAt: e.at, hidden: false, answeredLive: false, parentId: d.parentId ?? null });
        } else reloadSoon();
        return;
      case "ParticipantUpdate": // only the attendance shows here: no reading of the meeting per check-in
        if (m && d.change === "CHECKED_IN") {
          m.attendance += d.participants.length;
          renderHeader(m);
        }
        return;
      case "ScoringTurnout": // a batch written: my pending ballot may be counted now
        if (e.type === "scoring.counted" && m?.scoringSheets.some((s) => s.id === d.sheetId && s.myBallot === "PENDING")) reloadSoon();
        return;
      default:
        reloadSoon(); // the state, agenda, polls, scoring, materials, a resync: read the meeting again
    }
  }

  let stopLive: (() => void) | null = null;
  try {
    const head = await query(HEAD, { stream: `meeting:${meetingId}` });
    await reload();
    stopLive = live(
      LIVE,
      { meetingId, after: head.streamEventPage.headSeq },
      (d) => d.meetingLive.seq,
      (d) => onEvent(d.meetingLive),
      (message) => (status.textContent = message),
      (d) => d.meetingLive.data.__typename === "PollTally",
    );
  } catch (error) {
    status.textContent = error instanceof Error ? error.message : String(error);
  }
  // live tallies are not in the log (`after` replays recorded events only): after a lost
  // connection the counts are read again, as are the polls and the queue
  const stopWatch = onConnection((up) => up && reloadSoon());
  tick = window.setInterval(updateTimer, 1000);
  main.dataset.live = "1";
  return () => {
    stopLive?.();
    stopWatch();
    clearInterval(tick);
    clearTimeout(pending);
  };
};
