// A decision (重大行政决策) as the lead unit and the county office follow it: the five steps
// (五步走) as a stepper — status, responsible people, documents, completion — with what is
// still missing before 集体讨论决定 (the API's `missingForDecision`, and the gate's own
// errors when the move is tried), the opinions still to answer with an answer form, the
// participation report, the surveys, the draft's paragraphs and the hearing panel. The
// decision's stream (`events(stream, after)`) refreshes the page live.
import { live, mutate, query } from "../../api";
import { fill, h, when } from "../../dom";
import { field, form, input, select, textarea, type FieldError } from "../../forms";
import { graphql } from "../../gql";
import type { DecisionDetailQuery } from "../../gql/graphql";
import {
  DECISION_STATE,
  DECISION_STEP,
  OPINION_CHANNEL,
  OPINION_OUTCOME,
  SURVEY_STATE,
  label,
} from "../../labels";
import { href, type Page } from "../../router";
import { currentViewer } from "../../viewer";
import { statusLine } from "../common";
import { hearingPanel } from "./hearing";

const DECISION = graphql(`
  query DecisionDetail($id: ID!) {
    decision(id: $id) {
      id title summary state currentStep decidedAt staffView stream leadUnitId coUnitIds
      latestVersion { number note paragraphs { id label body opinionCount alternative } }
      steps { step startedAt completedAt note responsibleIds documents { id name sha256 size createdAt } }
      commentPeriods { opensOn closesOn rule shorteningReason }
      opinions(first: 100) {
        edges { node { id channel category body currentParagraphLabel anchorState outcome answer answeredAt createdAt } }
      }
      surveys { id title state opensOn closesOn report { summary } }
      participationReport { sha256 opinions createdAt }
      missingForDecision { field code message }
    }
  }
`);

const REPORT_DOCX = graphql(`
  query DecisionReportDocx($id: ID!) {
    decision(id: $id) { participationReport { sha256 docxBase64 } }
  }
`);

const EVENTS = graphql(`
  subscription DecisionEvents($stream: String!, $after: Int) {
    events(stream: $stream, after: $after) { seq type at }
  }
`);

const HEAD = graphql(`
  query DecisionStreamHead($stream: String!) {
    streamEventPage(stream: $stream, after: 0, first: 1) { headSeq }
  }
`);

const START = graphql(`
  mutation DecisionStartStep($decisionId: ID!, $step: DecisionStep!) {
    startDecisionStep(decisionId: $decisionId, step: $step) { decision { id state currentStep } errors { field code message } }
  }
`);

const COMPLETE = graphql(`
  mutation DecisionCompleteStep($decisionId: ID!, $step: DecisionStep!, $note: String) {
    completeDecisionStep(decisionId: $decisionId, step: $step, note: $note) { decision { id state } errors { field code message } }
  }
`);

const PEOPLE = graphql(`
  mutation DecisionStepPeople($decisionId: ID!, $step: DecisionStep!, $userIds: [ID!]!) {
    setDecisionStepPeople(decisionId: $decisionId, step: $step, userIds: $userIds) { decision { id } errors { field code message } }
  }
`);

const DOCUMENT = graphql(`
  mutation DecisionAddDocument($input: AddDecisionDocumentInput!) {
    addDecisionDocument(input: $input) { document { id name } errors { field code message } }
  }
`);

const ANSWER = graphql(`
  mutation DecisionAnswerOpinion($opinionId: ID!, $outcome: OpinionOutcome!, $reason: String) {
    answerOpinion(opinionId: $opinionId, outcome: $outcome, reason: $reason) { opinion { id outcome } errors { field code message } }
  }
`);

const GENERATE = graphql(`
  mutation DecisionGenerateReport($decisionId: ID!) {
    generateParticipationReport(decisionId: $decisionId) { report { id sha256 } errors { field code message } }
  }
`);

type DecisionNode = NonNullable<DecisionDetailQuery["decision"]>;
type StepInfo = DecisionNode["steps"][number];
type OpinionNode = DecisionNode["opinions"]["edges"][number]["node"];

const MAX_UPLOAD = 2 * 1024 * 1024; // the API keeps uploads up to 2 MiB (docs/decisions.md)

function base64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1] ?? "");
    reader.onerror = () => reject(new Error("无法读取文件"));
    reader.readAsDataURL(file);
  });
}

function save(bytes: Blob, name: string): void {
  const a = h("a", { href: URL.createObjectURL(bytes), download: name });
  document.body.append(a);
  a.click();
  a.remove();
}

function stepStatus(s: StepInfo): [string, string] {
  if (s.completedAt) return ["done", "已完成"];
  if (s.startedAt) return ["active", "进行中"];
  return ["todo", "未开始"];
}

export const decisionPage: Page = async (main, params) => {
  const viewer = currentViewer()!;
  const decisionId = params.id;
  const header = h("div", { class: "case-head" });
  const status = statusLine();
  status.id = "action-status";
  const gate = h("section", { class: "card gate", id: "gate", "aria-labelledby": "gate-title" });
  const stepper = h("ol", { class: "stepper", id: "stepper", "aria-label": "五步走" });
  const opinions = h("section", { class: "card", id: "opinions", "aria-labelledby": "opinions-title" });
  const report = h("section", { class: "card", id: "report", "aria-labelledby": "report-title" });
  const surveys = h("section", { class: "card", id: "surveys", "aria-labelledby": "surveys-title" });
  const draft = h("section", { class: "card", id: "draft", "aria-labelledby": "draft-title" });
  const hearings = h("section", { class: "card", id: "hearings", "aria-labelledby": "hearings-title" });
  fill(
    main,
    h("p", {}, h("a", { href: href("/decisions") }, "← 返回决策列表")),
    header,
    status,
    gate,
    h("section", { class: "card", "aria-labelledby": "steps-title" }, h("h2", { id: "steps-title" }, "五步走"), stepper),
    opinions,
    report,
    surveys,
    hearings,
    draft,
  );

  let current: DecisionNode | null = null;
  // Forms are rebuilt only when what they act on changed: a live event must not take the
  // focus or the text being typed.
  const built = new Map<string, string>();
  let gateErrors: readonly FieldError[] = [];

  function done(message: string): (errors: readonly FieldError[]) => readonly FieldError[] {
    return (errors) => {
      if (!errors.length) {
        status.textContent = message;
        void reload();
      }
      return errors;
    };
  }

  let reloads = 0;
  async function reload(): Promise<void> {
    const mine = ++reloads;
    const data = await query(DECISION, { id: decisionId });
    if (mine !== reloads) return;
    const d = data.decision;
    if (!d) {
      fill(main, h("h1", {}, "决策事项不存在或无权查看"), h("a", { href: href("/decisions") }, "返回决策列表"));
      return;
    }
    current = d;
    render(d);
    main.dataset.loaded = String(mine);
  }

  /** Whether the viewer runs the decision (the county office, the lead unit's staff, or an
   * admin whose grant covers it: the API's staff view) rather than a co-unit (协办单位), who
   * sees the staff view but may not act. The API decides in the end: a refusal shows. */
  function runs(d: DecisionNode): boolean {
    if (!d.staffView) return false;
    if (viewer.countyOffice || viewer.units.some((u) => u.id === d.leadUnitId)) return true;
    return !viewer.units.some((u) => d.coUnitIds.includes(u.id));
  }

  function render(d: DecisionNode): void {
    document.title = `${d.title} · 重大行政决策 · 议事工作台`;
    fill(
      header,
      h("h1", {}, d.title),
      h(
        "p",
        { class: "meta" },
        h("span", { class: `badge state-${d.state.toLowerCase()}`, id: "decision-state" }, label(DECISION_STATE, d.state)),
        d.currentStep ? h("span", {}, `当前步骤：${label(DECISION_STEP, d.currentStep)}`) : null,
        d.decidedAt ? h("span", {}, `决策于 ${when(d.decidedAt)}`) : null,
      ),
      d.summary ? h("p", {}, d.summary) : null,
    );
    renderGate(d);
    renderSteps(d);
    renderOpinions(d);
    renderReport(d);
    renderSurveys(d);
    renderDraft(d);
  }

  // ---- the gate: what is missing before 集体讨论决定 ----------------------------------------

  function renderGate(d: DecisionNode): void {
    const collective = d.steps.find((s) => s.step === "COLLECTIVE_DECISION");
    const missing = d.missingForDecision;
    if (!missing.length) gateErrors = []; // what the last attempt was refused for is all done
    const key = JSON.stringify([missing, gateErrors, collective?.startedAt, runs(d)]);
    if (built.get("gate") === key) return; // keep the button (and its focus) as it is
    built.set("gate", key);
    const tried = h(
      "ul",
      { class: "gate-errors", id: "gate-errors", role: "alert" },
      ...gateErrors.map((e) => h("li", { class: "error", "data-field": e.field ?? "" }, e.message)),
    );
    tried.hidden = !gateErrors.length;
    const button = h("button", { type: "button", id: "start-collective" }, "进入集体讨论决定");
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const r = await mutate(START, { decisionId: d.id, step: "COLLECTIVE_DECISION" });
        gateErrors = r.startDecisionStep.errors;
        if (!gateErrors.length) status.textContent = "已进入集体讨论决定";
      } catch (error) {
        gateErrors = [{ message: (error as Error).message }];
      }
      await reload();
      if (gateErrors.length) document.getElementById("gate-errors")?.focus();
    });
    tried.tabIndex = -1;
    fill(
      gate,
      h("h2", { id: "gate-title" }, "集体讨论决定前的条件"),
      collective?.startedAt
        ? h("p", { id: "gate-open" }, `集体讨论决定已于 ${when(collective.startedAt)} 开始。`)
        : missing.length
          ? [
              h("p", {}, `尚缺 ${missing.length} 项：`),
              h(
                "ul",
                { class: "missing", id: "gate-missing" },
                ...missing.map((e) => h("li", { "data-code": e.code, "data-field": e.field ?? "" }, e.message)),
              ),
            ]
          : h("p", { id: "gate-ready" }, "条件已满足，可以进入集体讨论决定。"),
      tried,
      !collective?.startedAt && runs(d) ? h("div", { class: "actions" }, button) : null,
    );
  }

  // ---- the five steps --------------------------------------------------------------------

  function renderSteps(d: DecisionNode): void {
    const previousStarted = (i: number) => d.steps.slice(0, i).every((s) => s.startedAt);
    const items = d.steps.map((s, i) => {
      const [kind, text] = stepStatus(s);
      const key = JSON.stringify([s.startedAt, s.completedAt, s.responsibleIds, s.documents.map((x) => x.id), runs(d)]);
      const existing = stepper.querySelector<HTMLElement>(`li[data-step="${s.step}"]`);
      if (existing && built.get(`step:${s.step}`) === key) return existing;
      built.set(`step:${s.step}`, key);
      const people = s.responsibleIds ?? null;
      const actions: HTMLElement[] = [];
      if (runs(d) && d.state !== "DECIDED") {
        if (!s.startedAt && s.step !== "COLLECTIVE_DECISION" && previousStarted(i)) {
          actions.push(startButton(d, s));
        }
        if (s.startedAt && !s.completedAt) actions.push(...stepForms(d, s));
      }
      return h(
        "li",
        { class: `step step-${kind}`, "data-step": s.step, "data-status": kind },
        h(
          "h3",
          {},
          h("span", { class: "step-number", "aria-hidden": "true" }, String(i + 1)),
          " ",
          label(DECISION_STEP, s.step),
          " ",
          h("span", { class: `badge step-badge-${kind}` }, text),
        ),
        h(
          "dl",
          { class: "facts" },
          h("dt", {}, "开始"),
          h("dd", {}, when(s.startedAt)),
          h("dt", {}, "完成"),
          h("dd", {}, s.completedAt ? `${when(s.completedAt)}${s.note ? `：${s.note}` : ""}` : "—"),
          h("dt", {}, "负责人"),
          h(
            "dd",
            { class: "responsible" },
            people === null
              ? "—"
              : people.length
                ? people.map((p) => (p === viewer.userId ? viewer.name : "其他工作人员")).join("、")
                : h("span", { class: "missing-item" }, "尚未确定"),
          ),
          h("dt", {}, "材料"),
          h(
            "dd",
            { class: "documents" },
            s.documents.length
              ? h(
                  "ul",
                  { class: "plain" },
                  ...s.documents.map((doc) =>
                    h("li", {}, doc.name, " ", h("span", { class: "muted hash" }, `SHA-256 ${doc.sha256.slice(0, 12)}…`)),
                  ),
                )
              : h("span", { class: "missing-item" }, "尚无材料"),
          ),
        ),
        actions.length ? h("div", { class: "step-actions" }, ...actions) : null,
      );
    });
    fill(stepper, ...items);
  }

  function startButton(d: DecisionNode, s: StepInfo): HTMLElement {
    const f = form({
      title: `开始“${label(DECISION_STEP, s.step)}”`,
      className: "start-step-form",
      submit: "开始本步骤",
      fields: [],
      onSubmit: async () =>
        done(`已开始“${label(DECISION_STEP, s.step)}”`)((await mutate(START, { decisionId: d.id, step: s.step })).startDecisionStep.errors),
    });
    f.element.dataset.step = s.step;
    return f.element;
  }

  function stepForms(d: DecisionNode, s: StepInfo): HTMLElement[] {
    const name = label(DECISION_STEP, s.step);
    const who = select([["", "请选择负责人"], [viewer.userId, `${viewer.name}（本人）`]]);
    const people = form({
      title: "确定负责人",
      className: "people-form",
      submit: "确定负责人",
      fields: [field("userIds", "负责人", who, "负责本步骤的工作人员")],
      onSubmit: async () => {
        if (!who.value) return [{ field: "userIds", message: "请选择负责人" }];
        const r = await mutate(PEOPLE, { decisionId: d.id, step: s.step, userIds: [who.value] });
        return done(`已确定“${name}”负责人`)(r.setDecisionStepPeople.errors);
      },
    });
    const file = input({ type: "file" });
    const title = input({});
    const upload = form({
      title: "上传材料",
      className: "document-form",
      submit: "上传",
      fields: [
        field("contentBase64", "文件（不超过 2 MB）", file),
        field("name", "材料名称", title, "不填则用文件名"),
      ],
      onSubmit: async () => {
        const chosen = file.files?.[0];
        if (!chosen) return [{ field: "contentBase64", message: "请选择要上传的文件" }];
        if (chosen.size > MAX_UPLOAD) return [{ field: "contentBase64", message: "文件超过 2 MB，请改为登记文档系统中的文件" }];
        const r = await mutate(DOCUMENT, {
          input: { decisionId: d.id, step: s.step, name: title.value.trim() || chosen.name, contentBase64: await base64(chosen) },
        });
        return done(`已上传“${name}”材料`)(r.addDecisionDocument.errors);
      },
    });
    const note = textarea({ rows: "2" });
    const complete = form({
      title: s.step === "COLLECTIVE_DECISION" ? "记录集体讨论决定" : `完成“${name}”`,
      className: "complete-form",
      submit: s.step === "COLLECTIVE_DECISION" ? "作出决定" : "完成本步骤",
      fields: [field("note", "说明（可不填）", note)],
      onSubmit: async () => {
        const r = await mutate(COMPLETE, { decisionId: d.id, step: s.step, note: note.value.trim() || null });
        return done(`已完成“${name}”`)(r.completeDecisionStep.errors);
      },
    });
    for (const f of [people, upload, complete]) f.element.dataset.step = s.step;
    return [people.element, upload.element, complete.element];
  }

  // ---- opinions still to answer -----------------------------------------------------------

  // An open opinion's item (with its answer form) is kept while it stays open, so an
  // opinion arriving live never clears the answer being typed in another.
  const openItems = new Map<string, HTMLElement>();

  function renderOpinions(d: DecisionNode): void {
    const all = d.opinions.edges.map((e) => e.node);
    const open = all.filter((o) => !o.outcome);
    const answered = all.filter((o) => o.outcome);
    const key = JSON.stringify([open.map((o) => o.id), answered.map((o) => o.id), runs(d)]);
    if (built.get("opinions") === key) return;
    built.set("opinions", key);
    for (const id of [...openItems.keys()]) if (!open.some((o) => o.id === id)) openItems.delete(id);
    const items = open.map((o) => {
      let li = openItems.get(o.id);
      if (!li) {
        li = h("li", { "data-opinion": o.id }, opinionText(o), runs(d) ? answerForm(o) : null);
        openItems.set(o.id, li);
      }
      return li;
    });
    fill(
      opinions,
      h("h2", { id: "opinions-title" }, `待答复的意见（${open.length}）`),
      open.length
        ? h("ul", { class: "plain opinion-list" }, ...items)
        : h("p", { class: "muted", id: "no-open-opinions" }, "意见均已逐条答复。"),
      answered.length
        ? h(
            "details",
            {},
            h("summary", {}, `已答复的意见（${answered.length}）`),
            h(
              "ul",
              { class: "plain" },
              ...answered.map((o) =>
                h("li", { "data-opinion": o.id }, opinionText(o), h("p", {}, h("strong", {}, label(OPINION_OUTCOME, o.outcome)), o.answer ? `：${o.answer}` : "")),
              ),
            ),
          )
        : null,
    );
  }

  function opinionText(o: OpinionNode): HTMLElement {
    return h(
      "div",
      { class: "opinion" },
      h(
        "p",
        { class: "meta" },
        h("span", {}, label(OPINION_CHANNEL, o.channel)),
        o.category ? h("span", {}, o.category) : null,
        h("span", {}, o.anchorState === "REMOVED" ? "所涉条文已在新版本中删除" : (o.currentParagraphLabel ?? "针对全文")),
        h("time", { datetime: o.createdAt }, when(o.createdAt)),
      ),
      h("p", { class: "opinion-body" }, o.body),
    );
  }

  function answerForm(o: OpinionNode): HTMLElement {
    const outcome = select(Object.entries(OPINION_OUTCOME));
    const reason = textarea({ rows: "3" });
    return form({
      title: "逐条答复",
      className: "answer-form",
      submit: "提交答复",
      fields: [
        field("outcome", "答复结果", outcome),
        field("reason", "理由", reason, "部分采纳、不予采纳的，应当说明理由"),
      ],
      onSubmit: async () => {
        const r = await mutate(ANSWER, {
          opinionId: o.id,
          outcome: outcome.value as "ADOPTED",
          reason: reason.value.trim() || null,
        });
        return done("已答复意见")(r.answerOpinion.errors);
      },
    }).element;
  }

  // ---- the participation report, surveys, the draft -----------------------------------------

  function renderReport(d: DecisionNode): void {
    const r = d.participationReport;
    const key = JSON.stringify([r?.sha256, runs(d), d.state]);
    if (built.get("report") === key) return;
    built.set("report", key);
    const download = h("button", { type: "button", class: "secondary", id: "report-docx" }, "下载报告（Word）");
    download.addEventListener("click", async () => {
      const data = await query(REPORT_DOCX, { id: d.id });
      const b64 = data.decision?.participationReport?.docxBase64;
      if (!b64) return;
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      save(new Blob([bytes], { type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" }), `${d.title}-意见收集和采纳情况.docx`);
    });
    const generate = form({
      title: r ? "重新生成报告" : "生成报告",
      className: "report-form",
      submit: r ? "重新生成" : "生成意见收集和采纳情况报告",
      fields: [],
      extra: h("p", { class: "hint" }, "意见全部逐条答复后生成；意见或答复有变化的，应重新生成。"),
      onSubmit: async () => done("已生成意见收集和采纳情况报告")((await mutate(GENERATE, { decisionId: d.id })).generateParticipationReport.errors),
    });
    fill(
      report,
      h("h2", { id: "report-title" }, "意见收集和采纳情况报告"),
      r
        ? h("p", { id: "report-facts" }, `${when(r.createdAt)} 生成，收录意见 ${r.opinions} 条，SHA-256 `, h("code", { class: "hash" }, r.sha256))
        : h("p", { class: "missing-item", id: "report-facts" }, "尚未生成"),
      r ? h("div", { class: "actions" }, download) : null,
      runs(d) && d.state !== "DECIDED" ? generate.element : null,
    );
  }

  function renderSurveys(d: DecisionNode): void {
    const key = JSON.stringify(d.surveys);
    if (built.get("surveys") === key) return;
    built.set("surveys", key);
    fill(
      surveys,
      h("h2", { id: "surveys-title" }, "民意调查"),
      d.surveys.length
        ? h(
            "ul",
            { class: "plain" },
            ...d.surveys.map((s) =>
              h(
                "li",
                { "data-survey": s.id },
                h("strong", {}, s.title),
                ` · ${label(SURVEY_STATE, s.state)}`,
                s.opensOn ? ` · ${s.opensOn} 至 ${s.closesOn ?? "—"}` : "",
                " · ",
                s.report ? "已形成书面报告" : h("span", { class: "missing-item" }, "尚无书面报告"),
              ),
            ),
          )
        : h("p", { class: "muted" }, "未开展民意调查"),
    );
  }

  function renderDraft(d: DecisionNode): void {
    const v = d.latestVersion;
    const key = JSON.stringify([v, d.commentPeriods]);
    if (built.get("draft") === key) return; // an open <details> stays open
    built.set("draft", key);
    fill(
      draft,
      h("h2", { id: "draft-title" }, v ? `决策草案（第 ${v.number} 稿）` : "决策草案"),
      d.commentPeriods.map((p) =>
        h("p", { class: "hint" }, `公开征求意见 ${p.opensOn} 至 ${p.closesOn}；${p.rule}`, p.shorteningReason ? `；缩短理由：${p.shorteningReason}` : ""),
      ),
      v
        ? h(
            "details",
            {},
            h("summary", {}, `逐条查看（${v.paragraphs.length} 条）`),
            h(
              "ol",
              { class: "plain paragraphs" },
              ...v.paragraphs.map((p) =>
                h("li", {}, h("strong", {}, p.alternative ? `${p.alternative} ${p.label}` : p.label), ` ${p.body} `, h("span", { class: "muted" }, `（意见 ${p.opinionCount} 条）`)),
              ),
            ),
          )
        : h("p", { class: "muted" }, "尚无草案"),
    );
  }

  await reload();
  if (!current) return;
  const d = current as DecisionNode;
  const reloadHearings = hearingPanel(hearings, d.id);
  // live from the stream's head: the page was just read, only what comes after matters
  const head = (await query(HEAD, { stream: d.stream })).streamEventPage.headSeq;
  void reload(); // anything recorded between the first read and the head
  return live(
    EVENTS,
    { stream: d.stream, after: head },
    (e) => e.events.seq,
    () => {
      void reload();
      void reloadHearings();
    },
    (message) => (status.textContent = message),
  );
};
