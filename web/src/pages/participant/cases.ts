// My cases (我的诉求): the cases I raised, one with its history (live) and the replies, the
// rating (满意 / 基本满意 / 不满意 with a reason) once it is answered, and raising a new one.
import { live, mutate, query } from "../../api";
import { fill, h, when } from "../../dom";
import { field, form, input, select, textarea } from "../../forms";
import { graphql } from "../../gql";
import type { ParticipantCaseEventsSubscription, ParticipantCaseQuery } from "../../gql/graphql";
import { EVENT, KIND, REPLY_KIND, SATISFACTION, label } from "../../labels";
import { href, navigate, type Page } from "../../router";
import { deadline, stateBadge, statusLine } from "../common";

const MY_CASES = graphql(`
  query ParticipantCases($after: String) {
    myCases(first: 20, after: $after) {
      edges { node { id number title kind state effectiveState dueOn dueProvisional receivedAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

const CASE = graphql(`
  query ParticipantCase($id: ID!) {
    node(id: $id) {
      ... on Case {
        id number title body kind state effectiveState receivedAt dueOn dueProvisional satisfaction ratingText
        reopenCount closedDissatisfied stream
        handler { name }
        replies { id kind body createdAt }
      }
    }
  }
`);

const HISTORY = graphql(`
  query ParticipantCaseHistory($stream: String!, $after: Int) {
    streamEventPage(stream: $stream, after: $after, first: 100) {
      events { seq type at payload }
      nextAfter hasMore headSeq
    }
  }
`);

const EVENTS = graphql(`
  subscription ParticipantCaseEvents($stream: String!, $after: Int) {
    events(stream: $stream, after: $after) { seq type at payload }
  }
`);

const RATE = graphql(`
  mutation ParticipantRate($caseId: ID!, $satisfaction: Satisfaction!, $text: String) {
    rateCase(caseId: $caseId, satisfaction: $satisfaction, text: $text) {
      case { id state reopenCount } errors { field code message }
    }
  }
`);

const RAISE = graphql(`
  mutation ParticipantRaiseCase($input: RaiseCaseInput!) {
    raiseCase(input: $input) { number case { id } errors { field code message } }
  }
`);

type CaseNode = Extract<NonNullable<ParticipantCaseQuery["node"]>, { __typename?: "Case"; number: string }>;
type StreamEvent = ParticipantCaseEventsSubscription["events"];

export const casesPage: Page = async (main) => {
  document.title = "我的诉求 · 议事";
  const list = h("ul", { class: "m-list", id: "my-cases" });
  const more = h("button", { type: "button", class: "secondary big" }, "加载更多");
  more.hidden = true;
  fill(
    main,
    h("h1", {}, "我的诉求"),
    h("p", {}, h("a", { class: "button big", href: href("/m/cases/new") }, "＋ 反映新的诉求或建议")),
    list,
    more,
  );
  let cursor: string | null = null;
  async function page(): Promise<void> {
    const data = await query(MY_CASES, { after: cursor });
    for (const { node: c } of data.myCases.edges) {
      list.append(
        h(
          "li",
          {},
          h(
            "a",
            { class: "m-card", href: href(`/m/cases/${encodeURIComponent(c.id)}`), "data-case": c.id },
            h("span", { class: "m-card-title" }, c.title),
            h("span", { class: "meta" }, stateBadge(c.effectiveState), ` ${c.number} · ${label(KIND, c.kind)} · ${when(c.receivedAt)}`),
          ),
        ),
      );
    }
    if (!list.children.length) list.append(h("li", { class: "muted" }, "您还没有反映过诉求。"));
    cursor = data.myCases.pageInfo.endCursor ?? null;
    more.hidden = !data.myCases.pageInfo.hasNextPage;
    list.dataset.loaded = "1";
  }
  more.addEventListener("click", () => void page());
  await page();
};

function describe(e: StreamEvent): string {
  const p = (e.payload ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  if (p.kind && e.type === "case.replied") parts.push(label(REPLY_KIND, String(p.kind)));
  if (p.satisfaction) parts.push(label(SATISFACTION, String(p.satisfaction)));
  if (typeof p.text === "string" && p.text) parts.push(p.text);
  return parts.join(" · ");
}

export const casePage: Page = async (main, params) => {
  const caseId = params.id;
  const head = h("div", { class: "m-head" });
  const facts = h("section", { class: "card" });
  const replies = h("section", { class: "card", id: "replies", "aria-labelledby": "replies-title" });
  const rating = h("section", { id: "rating" });
  const history = h("ol", { class: "history", id: "history", "aria-live": "polite" });
  const status = statusLine();
  status.id = "case-status";
  fill(
    main,
    h("p", {}, h("a", { href: href("/m/cases") }, "← 我的诉求")),
    head,
    status,
    facts,
    replies,
    rating,
    h("section", { class: "card", "aria-labelledby": "history-title" }, h("h2", { id: "history-title" }, "办理进度"), history),
  );
  const events: StreamEvent[] = [];
  let ratingKey = "";

  function renderHistory(): void {
    fill(
      history,
      ...events.map((e) =>
        h("li", { "data-type": e.type, "data-seq": String(e.seq) },
          h("span", { class: "when" }, when(e.at)), " ", h("strong", {}, label(EVENT, e.type)),
          describe(e) ? ` · ${describe(e)}` : ""),
      ),
    );
  }

  function ratingForm(c: CaseNode): HTMLElement {
    const satisfaction = select([["", "请选择"], ["SATISFIED", "满意"], ["BASICALLY_SATISFIED", "基本满意"], ["DISSATISFIED", "不满意"]]);
    const text = textarea({ rows: "3" });
    const f = form({
      title: "评价办理结果",
      submit: "提交评价",
      className: "m-form rate-form",
      fields: [
        field("satisfaction", "您对办理结果是否满意", satisfaction),
        field("text", "理由（选不满意时必填）", text, c.reopenCount ? "已重新办理过一次，这次不满意将办结并标注。" : "选不满意将退回重新办理一次。"),
      ],
      onSubmit: async () => {
        if (!satisfaction.value) return [{ field: "satisfaction", message: "请选择满意程度" }];
        const data = await mutate(RATE, {
          caseId,
          satisfaction: satisfaction.value as "SATISFIED" | "BASICALLY_SATISFIED" | "DISSATISFIED",
          text: text.value.trim() || null,
        });
        const r = data.rateCase;
        if (r.errors.length) return r.errors;
        status.textContent = r.case?.state === "CLOSED" ? "感谢评价，诉求已办结" : "已提交评价，诉求将重新办理";
        await reload();
        return [];
      },
    });
    return f.element;
  }

  let reloads = 0;
  async function reload(): Promise<CaseNode | null> {
    const mine = ++reloads;
    const data = await query(CASE, { id: caseId });
    if (mine !== reloads) return null; // a later reload is under way: its answer is the newer
    const c = data.node as CaseNode | null;
    if (!c || !("number" in c)) {
      fill(main, h("h1", {}, "诉求不存在或无权查看"), h("a", { href: href("/m/cases") }, "返回我的诉求"));
      return null;
    }
    document.title = `${c.number} ${c.title} · 议事`;
    fill(head, h("h1", {}, c.title), h("p", { class: "meta" }, stateBadge(c.effectiveState), ` ${c.number} `, deadline(c.dueOn, c.dueProvisional)));
    fill(
      facts,
      h("dl", { class: "facts" },
        h("dt", {}, "类型"), h("dd", {}, label(KIND, c.kind)),
        h("dt", {}, "内容"), h("dd", {}, c.body),
        h("dt", {}, "受理时间"), h("dd", {}, when(c.receivedAt)),
        h("dt", {}, "承办单位"), h("dd", {}, c.handler?.name ?? "—"),
        h("dt", {}, "我的评价"), h("dd", { id: "my-rating" },
          c.satisfaction ? label(SATISFACTION, c.satisfaction) + (c.ratingText ? `：${c.ratingText}` : "") : "—")),
    );
    fill(
      replies,
      h("h2", { id: "replies-title" }, "答复"),
      c.replies.length
        ? h("ol", { class: "plain" }, ...c.replies.map((r) =>
            h("li", { class: "m-reply", "data-kind": r.kind }, h("strong", {}, label(REPLY_KIND, r.kind)), h("span", { class: "muted" }, ` ${when(r.createdAt)}`), h("p", {}, r.body))))
        : h("p", { class: "muted" }, "还没有答复，承办单位办理后会在这里答复您。"),
    );
    const k = c.effectiveState === "ANSWERED" ? `rate/${c.reopenCount}` : "none";
    if (k !== ratingKey) {
      ratingKey = k;
      fill(rating, k === "none" ? null : ratingForm(c));
    }
    return c;
  }

  /** The history from the log, after `from` (what the submitter may see of it); returns where it ends. */
  async function readHistory(stream: string, from: number): Promise<number> {
    let after = from;
    for (;;) {
      const page = (await query(HISTORY, { stream, after })).streamEventPage;
      for (const e of page.events) if (!events.some((x) => x.seq === e.seq)) events.push(e);
      after = page.nextAfter;
      if (!page.hasMore) break;
    }
    renderHistory();
    history.dataset.loaded = "1";
    return after;
  }

  const c = await reload();
  if (!c) return;
  const after = await readHistory(c.stream, 0);
  let pending: number | undefined;
  const stop = live(
    EVENTS,
    { stream: c.stream, after },
    (d) => d.events.seq,
    (d) => {
      if (d.events.type === "stream.resync") {
        // too far behind to replay: read the history again from the log
        events.splice(0);
        void readHistory(c.stream, 0).then(reload);
        return;
      }
      if (events.some((x) => x.seq === d.events.seq)) return;
      events.push(d.events);
      renderHistory();
      clearTimeout(pending);
      pending = window.setTimeout(() => void reload(), 150);
    },
    (message) => (status.textContent = message),
  );
  return () => {
    stop();
    clearTimeout(pending);
  };
};

export const newCasePage: Page = async (main) => {
  document.title = "反映诉求 · 议事";
  const kind = select([["DEMAND", "诉求（需要解决的问题）"], ["SUGGESTION", "建议"], ["CONSULTATION", "咨询"]]);
  const title = input({ autocomplete: "off" });
  const body = textarea({ rows: "5" });
  const isPrivate = h("input", { type: "checkbox", id: "m-private" });
  const f = form({
    title: "反映诉求或建议",
    submit: "提交",
    className: "m-form raise-case-form",
    fields: [field("kind", "类型", kind), field("title", "标题", title, "一句话说明，例如：村口路灯不亮"), field("body", "具体内容", body)],
    extra: h("div", { class: "field m-check" }, h("label", { for: "m-private" }, isPrivate, " 只涉及我个人（不公开）")),
    onSubmit: async () => {
      const data = await mutate(RAISE, {
        input: {
          channel: "ONLINE",
          kind: kind.value as "DEMAND" | "SUGGESTION" | "CONSULTATION",
          title: title.value.trim(),
          body: body.value.trim(),
          isPrivate: isPrivate.checked,
          clientKey: crypto.randomUUID?.() ?? `${Date.now()}`,
        },
      });
      const r = data.raiseCase;
      if (r.errors.length || !r.case) return r.errors;
      await navigate(`/m/cases/${encodeURIComponent(r.case.id)}`);
      return [];
    },
  });
  fill(main, h("p", {}, h("a", { href: href("/m/cases") }, "← 我的诉求")), h("h1", {}, "反映诉求"), f.element);
  title.focus();
};
