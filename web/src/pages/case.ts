// A case (件): what was raised, its deadline (暂定 where provisional), its assignments and
// replies, its history from the case stream (live over `events(stream, after)`), and the
// actions: 派单/重派, 签收, 退单, 转办 (吹哨报到), 答复, 办结. Each action's form shows the
// API's typed errors next to their fields.
import { live, mutate, query } from "../api";
import { fill, h, when } from "../dom";
import { field, form, select, textarea, type FieldError, type Form } from "../forms";
import { graphql } from "../gql";
import type { CaseDetailQuery, CaseEventsSubscription } from "../gql/graphql";
import {
  ASSIGNMENT_STATE,
  CHANNEL,
  DIRECTION,
  EVENT,
  KIND,
  REPLY_KIND,
  ROLE,
  SATISFACTION,
  STATE,
  label,
} from "../labels";
import type { Page } from "../router";
import { currentViewer } from "../viewer";
import { deadline, stateBadge, statusLine } from "./common";

const CASE = graphql(`
  query CaseDetail($id: ID!) {
    node(id: $id) {
      ... on Case {
        id number title body kind channel state effectiveState isPrivate contactName contactPhone
        receivedAt dueOn dueProvisional overdue bounceCount reopenCount satisfaction ratingText
        closedAt adopted stream
        accountableUnit { id name }
        handler { id name }
        placeUnit { id name }
        assignments { id role state signDueAt signedAt returnedAt returnReason dueOn unit { id name } }
        replies { id kind body createdAt unitId }
      }
    }
  }
`);

const HISTORY = graphql(`
  query CaseHistory($stream: String!, $after: Int) {
    streamEventPage(stream: $stream, after: $after, first: 100) {
      events { seq type at payload }
      nextAfter hasMore headSeq
    }
  }
`);

const EVENTS = graphql(`
  subscription CaseEvents($stream: String!, $after: Int) {
    events(stream: $stream, after: $after) { seq type at payload }
  }
`);

const UNITS = graphql(`
  query ConsoleUnits($parentId: ID) {
    orgUnits(parentId: $parentId, first: 100) { edges { node { id name kind } } }
  }
`);

const SIGN = graphql(`
  mutation ConsoleSign($assignmentId: ID!) {
    signCaseAssignment(assignmentId: $assignmentId) { case { id state } errors { field code message } }
  }
`);

const RETURN = graphql(`
  mutation ConsoleReturn($assignmentId: ID!, $reason: String!) {
    returnCaseAssignment(assignmentId: $assignmentId, reason: $reason) { case { id state } errors { field code message } }
  }
`);

const DISPATCH = graphql(`
  mutation ConsoleDispatch($caseId: ID!, $unitId: ID!, $role: AssignmentRole!) {
    dispatchCase(caseId: $caseId, unitId: $unitId, role: $role) { case { id state } errors { field code message } }
  }
`);

const REDISPATCH = graphql(`
  mutation ConsoleRedispatch($caseId: ID!, $unitId: ID!) {
    redispatchCase(caseId: $caseId, unitId: $unitId) { case { id state } errors { field code message } }
  }
`);

const ESCALATE = graphql(`
  mutation ConsoleEscalate($caseId: ID!, $direction: EscalationDirection!, $unitId: ID, $reason: String) {
    escalateCase(caseId: $caseId, direction: $direction, unitId: $unitId, reason: $reason) {
      case { id state } errors { field code message }
    }
  }
`);

const REPLY = graphql(`
  mutation ConsoleReply($caseId: ID!, $kind: ReplyKind!, $body: String!, $adopted: Boolean) {
    replyCase(caseId: $caseId, kind: $kind, body: $body, adopted: $adopted) {
      case { id state } errors { field code message }
    }
  }
`);

const CLOSE = graphql(`
  mutation ConsoleClose($caseId: ID!) {
    closeCase(caseId: $caseId) { case { id state } errors { field code message } }
  }
`);

type CaseNode = Extract<NonNullable<CaseDetailQuery["node"]>, { __typename?: "Case"; number: string }>;
type StreamEvent = CaseEventsSubscription["events"];

const OPEN = ["RECEIVED", "DISPATCHED", "IN_PROGRESS"];

const CREATES_ASSIGNMENT = new Set(["case.dispatched", "case.redispatched", "case.escalated"]);

/** Unit names for the row ids in event payloads. Payloads carry row ids and the API shows
 * opaque global ids, so names come from the case's assignments (oldest first): each
 * dispatch, re-dispatch and escalation (but to the county office) made the next one. */
function unitNames(events: StreamEvent[], assignments: CaseNode["assignments"]): (id: unknown) => string | null {
  const names = new Map<number, string>();
  let k = 0;
  for (const e of events) {
    const p = (e.payload ?? {}) as Record<string, unknown>;
    if (!CREATES_ASSIGNMENT.has(e.type) || p.direction === "COUNTY") continue;
    const a = assignments[k++];
    const unit = Number(e.type === "case.escalated" ? p.toUnitId : p.unitId);
    if (a?.unit && Number.isInteger(unit)) names.set(unit, a.unit.name);
  }
  return (id) => names.get(Number(id)) ?? null;
}

function describe(e: StreamEvent, unitName: (id: unknown) => string | null): string {
  const p = (e.payload ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  const unit = e.type === "case.replied" ? null : unitName(p.unitId);
  if (unit) parts.push(unit);
  if (e.type === "case.escalated") {
    parts.push(`${unitName(p.fromUnitId) ?? "本单位"} → ${p.direction === "COUNTY" ? "县级协调" : (unitName(p.toUnitId) ?? "—")}`);
  }
  if (p.role) parts.push(label(ROLE, String(p.role)));
  if (p.kind && e.type === "case.replied") parts.push(label(REPLY_KIND, String(p.kind)));
  if (p.satisfaction) parts.push(label(SATISFACTION, String(p.satisfaction)));
  if (typeof p.reason === "string" && p.reason) parts.push(`理由：${p.reason}`);
  if (typeof p.body === "string" && p.body) parts.push(p.body.length > 80 ? p.body.slice(0, 80) + "…" : p.body);
  if (typeof p.text === "string" && p.text) parts.push(p.text);
  if (e.type === "case.deadlineChanged" || e.type === "case.classified") {
    if (p.dueOn) parts.push(`办理时限 ${p.dueOn}${p.dueProvisional ? "（暂定）" : ""}`);
  }
  if (p.state && e.type !== "case.received") parts.push(label(STATE, String(p.state)));
  return parts.join(" · ");
}

export const casePage: Page = async (main, params) => {
  const viewer = currentViewer()!;
  const caseId = params.id;
  const unitOptions: [string, string][] = [];
  try {
    const all = await query(UNITS, { parentId: null });
    for (const { node } of all.orgUnits.edges) unitOptions.push([node.id, node.name]);
  } catch {
    /* the dispatch form then offers no unit: its error says to choose one */
  }

  const header = h("div", { class: "case-head" });
  const facts = h("dl", { class: "facts" });
  const assignments = h("section", { class: "card", "aria-labelledby": "assignments-title" });
  const replies = h("section", { class: "card", "aria-labelledby": "replies-title" });
  const actions = h("section", { class: "actions-area", "aria-labelledby": "actions-title" });
  const history = h("ol", { class: "history", id: "history", "aria-live": "polite" });
  const status = statusLine();
  status.id = "action-status";
  fill(
    main,
    h("p", {}, h("a", { href: "/console/inbox" }, "← 返回待办")),
    header,
    status,
    h("div", { class: "case-grid" },
      h("div", {}, h("section", { class: "card" }, facts), assignments, replies, actions),
      h("section", { class: "card", "aria-labelledby": "history-title" },
        h("h2", { id: "history-title" }, "办理记录（实时）"), history),
    ),
  );

  let current: CaseNode | null = null;
  let actionsKey = ""; // what the action forms were built for

  let reloads = 0;
  async function reload(): Promise<void> {
    const mine = ++reloads;
    const data = await query(CASE, { id: caseId });
    if (mine !== reloads) return; // a later reload is under way: its answer is the newer
    const node = data.node as CaseNode | null;
    if (!node || !("number" in node)) {
      fill(main, h("h1", {}, "事项不存在或无权查看"), h("a", { href: "/console/inbox" }, "返回待办"));
      return;
    }
    current = node;
    render(node);
    renderHistory();
  }

  function done(message: string): (errors: readonly FieldError[]) => readonly FieldError[] {
    return (errors) => {
      if (!errors.length) {
        status.textContent = message;
        void reload();
      }
      return errors;
    };
  }

  function render(c: CaseNode): void {
    document.title = `${c.number} ${c.title} · 议事工作台`;
    fill(
      header,
      h("h1", {}, h("span", { class: "number" }, c.number), " ", c.title),
      h("p", { class: "meta" }, stateBadge(c.state), deadline(c.dueOn, c.dueProvisional, c.overdue)),
    );
    fill(
      facts,
      ...[
        ["类型", label(KIND, c.kind)],
        ["来源", label(CHANNEL, c.channel)],
        ["内容", c.body],
        ["所在地", c.placeUnit?.name ?? "—"],
        ["首接负责单位", c.accountableUnit?.name ?? "—"],
        ["主办单位", c.handler?.name ?? "—"],
        ["联系人", [c.contactName, c.contactPhone].filter(Boolean).join(" ") || "—"],
        ["受理时间", when(c.receivedAt)],
        ["退单次数", String(c.bounceCount)],
        ["群众评价", c.satisfaction ? label(SATISFACTION, c.satisfaction) + (c.ratingText ? `：${c.ratingText}` : "") : "—"],
      ].flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
    );
    fill(
      assignments,
      h("h2", { id: "assignments-title" }, "派单"),
      c.assignments.length
        ? h(
            "ul",
            { class: "plain" },
            ...c.assignments.map((a) =>
              h(
                "li",
                { "data-assignment": a.id },
                `${a.unit?.name ?? "—"} · ${label(ROLE, a.role)} · ${label(ASSIGNMENT_STATE, a.state)}`,
                a.signDueAt && a.state === "PENDING" ? ` · 签收时限 ${when(a.signDueAt)}` : "",
                a.returnReason ? ` · 退单理由：${a.returnReason}` : "",
              ),
            ),
          )
        : h("p", { class: "muted" }, "尚未派单"),
    );
    fill(
      replies,
      h("h2", { id: "replies-title" }, "答复"),
      c.replies.length
        ? h(
            "ul",
            { class: "plain" },
            ...c.replies.map((r) =>
              h("li", {}, h("strong", {}, label(REPLY_KIND, r.kind)), ` ${when(r.createdAt)}：`, r.body),
            ),
          )
        : h("p", { class: "muted" }, "尚无答复"),
    );
    // The forms are rebuilt only when what may be done changes: a live event must not take
    // the focus or the text someone is typing.
    const key = JSON.stringify([c.state, c.accountableUnit?.id, c.bounceCount, c.assignments.map((a) => [a.id, a.state])]);
    if (key !== actionsKey) {
      actionsKey = key;
      fill(actions, h("h2", { id: "actions-title" }, "办理"), ...actionForms(c));
    }
  }

  function actionForms(c: CaseNode): HTMLElement[] {
    const forms: HTMLElement[] = [];
    const open = OPEN.includes(c.state);
    // 签收 / 退单: the assignments of my unit that wait for it
    for (const a of c.assignments.filter((x) => x.state === "PENDING" && x.unit?.id === viewer.unit.id)) {
      const signButton = h("button", { type: "button", id: "sign", "data-assignment": a.id }, `签收（${label(ROLE, a.role)}）`);
      const signError = h("p", { class: "error", role: "alert" });
      signError.hidden = true;
      signButton.addEventListener("click", async () => {
        signButton.disabled = true;
        try {
          const r = await mutate(SIGN, { assignmentId: a.id });
          const errors = done("已签收")(r.signCaseAssignment.errors);
          signError.hidden = !errors.length;
          signError.textContent = errors.map((e) => e.message).join("；");
        } catch (e) {
          signError.hidden = false;
          signError.textContent = (e as Error).message;
        } finally {
          signButton.disabled = false;
        }
      });
      forms.push(h("div", { class: "card" }, h("h3", {}, "签收"), signError, h("div", { class: "actions" }, signButton)));
      const reason = textarea({ rows: "3" });
      forms.push(
        form({
          title: "退单",
          className: "return-form",
          submit: "退单",
          fields: [field("reason", "退单理由（签收后不得退单）", reason)],
          onSubmit: async () =>
            done("已退单")((await mutate(RETURN, { assignmentId: a.id, reason: reason.value })).returnCaseAssignment.errors),
        }).element,
      );
    }
    if (!open) {
      if (c.state === "ANSWERED" && viewer.countyOffice) forms.push(closeForm(c).element);
      if (!forms.length) forms.push(h("p", { class: "muted" }, `事项${label(STATE, c.state)}，无需办理。`));
      return forms;
    }
    const hasLead = c.assignments.some((a) => a.role === "LEAD" && (a.state === "PENDING" || a.state === "SIGNED"));
    const myPending = c.assignments.some((a) => a.state === "PENDING" && a.unit?.id === viewer.unit.id);
    // 派单 / 重派: the county office, or the accountable unit's staff
    if (viewer.countyOffice || c.accountableUnit?.id === viewer.unit.id) {
      const unit = select([["", "请选择单位"], ...unitOptions]);
      const role = select(Object.entries(ROLE));
      const redispatch = viewer.countyOffice && c.bounceCount > 0 && !hasLead;
      forms.push(
        form({
          title: redispatch ? "重派" : "派单",
          className: "dispatch-form",
          submit: redispatch ? "重派" : "派单",
          fields: redispatch
            ? [field("unitId", "主办单位", unit)]
            : [field("unitId", "承办单位", unit), field("role", "派单类型", role)],
          onSubmit: async () => {
            if (!unit.value) return [{ field: "unitId", message: "请选择承办单位" }];
            if (redispatch)
              return done("已重派")((await mutate(REDISPATCH, { caseId: c.id, unitId: unit.value })).redispatchCase.errors);
            const r = await mutate(DISPATCH, { caseId: c.id, unitId: unit.value, role: role.value as "LEAD" });
            return done("已派单")(r.dispatchCase.errors);
          },
        }).element,
      );
    }
    if (!myPending && (c.state === "IN_PROGRESS" || viewer.countyOffice || c.accountableUnit?.id === viewer.unit.id)) {
      forms.push(transferForm(c).element, replyForm(c).element);
    }
    return forms;
  }

  function transferForm(c: CaseNode): Form {
    const direction = select(Object.entries(DIRECTION));
    const unit = select([["", "（下派时选择）"]]);
    void query(UNITS, { parentId: viewer.unit.id }).then((d) => {
      for (const { node } of d.orgUnits.edges) unit.append(h("option", { value: node.id }, node.name));
    }, () => {});
    const reason = textarea({ rows: "2" });
    return form({
      title: "转办（吹哨报到）",
      className: "transfer-form",
      submit: "转办",
      fields: [
        field("direction", "转办方式", direction),
        field("unitId", "下级单位", unit, "下派时必选：本单位下属的村（社区）或单位"),
        field("reason", "转办理由", reason),
      ],
      onSubmit: async () => {
        const down = direction.value === "DOWN";
        if (down && !unit.value) return [{ field: "unitId", message: "请选择下派的单位" }];
        const r = await mutate(ESCALATE, {
          caseId: c.id,
          direction: direction.value as "DOWN",
          unitId: down ? unit.value : null,
          reason: reason.value || null,
        });
        return done("已转办")(r.escalateCase.errors);
      },
    });
  }

  function replyForm(c: CaseNode): Form {
    const kind = select([
      ["RESULT", "办理结果（答复后待群众评价）"],
      ["INITIAL", "初步答复"],
      ["NOTE", "内部备注"],
    ]);
    const body = textarea({ rows: "4" });
    const adopted = select([["", "不适用"], ["true", "采纳"], ["false", "不采纳"]]);
    const fields = [field("kind", "答复类型", kind), field("body", "答复内容", body)];
    if (c.kind === "SUGGESTION") fields.push(field("adopted", "建议是否采纳", adopted));
    return form({
      title: "答复",
      className: "reply-form",
      submit: "提交答复",
      fields,
      onSubmit: async () => {
        const r = await mutate(REPLY, {
          caseId: c.id,
          kind: kind.value as "RESULT",
          body: body.value,
          adopted: adopted.value ? adopted.value === "true" : null,
        });
        const errors = done("已答复")(r.replyCase.errors);
        if (!errors.length) body.value = "";
        return errors;
      },
    });
  }

  function closeForm(c: CaseNode): Form {
    return form({
      title: "办结",
      className: "close-form",
      submit: "办结",
      fields: [],
      extra: h("p", { class: "hint" }, "提出人没有账号、无法评价时，由县级管理员办结。"),
      onSubmit: async () => done("已办结")((await mutate(CLOSE, { caseId: c.id })).closeCase.errors),
    });
  }

  const events: StreamEvent[] = [];

  /** Adds an event to the history; `show` false leaves the drawing to the caller. */
  function addEvent(e: StreamEvent, show = true): void {
    if (events.some((x) => x.seq === e.seq)) return;
    events.push(e);
    events.sort((x, y) => x.seq - y.seq);
    if (show) renderHistory();
  }

  function renderHistory(): void {
    const unitName = unitNames(events, current?.assignments ?? []);
    fill(
      history,
      events.map((e) =>
        h(
          "li",
          { "data-seq": String(e.seq), "data-type": e.type },
          h("time", { datetime: e.at }, when(e.at)),
          " ",
          h("strong", {}, label(EVENT, e.type)),
          " ",
          h("span", {}, describe(e, unitName)),
        ),
      ),
    );
  }

  /** The history from the log, after `from`; returns where it ends. */
  async function readHistory(stream: string, from: number): Promise<number> {
    let after = from;
    for (;;) {
      const page = (await query(HISTORY, { stream, after })).streamEventPage;
      for (const e of page.events) addEvent(e);
      after = page.nextAfter;
      if (!page.hasMore) return after;
    }
  }

  await reload();
  if (!current) return;
  const stream = (current as CaseNode).stream;
  const after = await readHistory(stream, 0);
  return live(
    EVENTS,
    { stream, after },
    (d) => d.events.seq,
    (d) => {
      if (d.events.type === "stream.resync") {
        // too far behind to replay: read the history again from the log
        events.splice(0);
        void readHistory(stream, 0).then(reload);
        return;
      }
      // Drawn by the reload, which brings the assignment a dispatch or a transfer made:
      // drawn before it, the line would name the new unit "—" until the case came back.
      addEvent(d.events, false);
      void reload().catch(renderHistory);
    },
    (message) => (status.textContent = message),
  );
};
