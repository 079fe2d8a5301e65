// The hearing panel of a decision (听证会): for each hearing of the decision, the seats and
// quotas (名额、候补), the applications by category (from the pool, by pseudonymous id: no
// names), and the draw's published inputs — the witnesses' commitments and reveals, the
// pool hash, the public randomness, the seed — with the result: each applicant's
// probability and outcome. The record (听证会记录) downloads as .docx. docs/hearings.md.
import { freshSession, query } from "../../api";
import { fill, h, when } from "../../dom";
import { graphql } from "../../gql";
import type { DecisionHearingsQuery } from "../../gql/graphql";
import { DRAW_OUTCOME, HEARING_CATEGORY, HEARING_STATE, label } from "../../labels";

const HEARINGS = graphql(`
  query DecisionHearings($after: String) {
    hearings(first: 100, after: $after) {
      edges {
        node {
          id kind state decisionId title place startsAt totalSeats algorithm algorithmVersion
          quotas { category seats alternates }
          publicRandomnessSource publicRandomness noticePublishedAt applicationsOpenedAt poolFrozenAt
          poolHash drawnAt seed applicantCount
          witnesses { id position name commitment committedAt secret revealedAt }
          pool { poolId category probability outcome alternateRank }
          sealedAt
          applications { poolId }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

type HearingNode = DecisionHearingsQuery["hearings"]["edges"][number]["node"];

function table(caption: string, head: string[], rows: (string | HTMLElement)[][], className = ""): HTMLElement {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: `figures ${className}` },
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, ...head.map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, ...rows.map((r) => h("tr", {}, ...r.map((c, i) => (i === 0 ? h("th", { scope: "row" }, c) : h("td", {}, c)))))),
    ),
  );
}

function recordLink(hearing: HearingNode): HTMLElement {
  const url = `/hearings/${encodeURIComponent(hearing.id)}/record.docx`;
  const link = h("a", { href: url, class: "button secondary hearing-record" }, "下载听证会记录（Word）");
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    const session = await freshSession();
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${session.accessToken}`, "X-Tenant": session.county },
    });
    if (!response.ok) {
      const body = await response.json().catch(() => null);
      link.after(h("p", { class: "error", role: "alert" }, body?.error?.message ?? "下载失败，请稍后重试"));
      return;
    }
    const a = h("a", { href: URL.createObjectURL(await response.blob()), download: `${hearing.title}-听证会记录.docx` });
    document.body.append(a);
    a.click();
    a.remove();
  });
  return link;
}

function hearingCard(x: HearingNode): HTMLElement {
  const byCategory = new Map<string, HearingNode["pool"]>();
  for (const p of x.pool) byCategory.set(p.category, [...(byCategory.get(p.category) ?? []), p]);
  const drawn = x.state === "DRAWN" || x.state === "REPORTED";
  return h(
    "article",
    { class: "hearing", "data-hearing": x.id },
    h("h3", {}, x.title, " ", h("span", { class: "badge" }, label(HEARING_STATE, x.state))),
    h("p", { class: "meta" }, h("span", {}, `${when(x.startsAt)} · ${x.place}`), h("span", {}, `代表名额 ${x.totalSeats} 名`)),
    table(
      "名额与报名（按类别）",
      ["类别", "名额", "候补", "报名人数", "选中概率"],
      x.quotas.map((q) => {
        const pool = byCategory.get(q.category) ?? [];
        return [label(HEARING_CATEGORY, q.category), String(q.seats), String(q.alternates), String(pool.length), pool[0]?.probability ?? "—"];
      }),
      "hearing-quotas",
    ),
    h("p", {}, `报名共 ${x.applicantCount} 人。`),
    h("h4", {}, "随机抽选的公开依据"),
    h(
      "dl",
      { class: "facts draw-inputs" },
      h("dt", {}, "算法"),
      h("dd", {}, `${x.algorithm}（版本 ${x.algorithmVersion}）`),
      h("dt", {}, "公开随机源"),
      h("dd", {}, x.publicRandomnessSource ? `${x.publicRandomnessSource}：${x.publicRandomness ?? "（抽选时填入）"}` : "未指定"),
      h("dt", {}, "报名名单哈希"),
      h("dd", {}, x.poolHash ? h("code", { class: "hash", id: `pool-hash-${x.id}` }, x.poolHash) : "报名截止后公布"),
      h("dt", {}, "随机种子"),
      h("dd", {}, x.seed ? h("code", { class: "hash draw-seed" }, x.seed) : "抽选时产生"),
      h("dt", {}, "抽选时间"),
      h("dd", {}, when(x.drawnAt)),
    ),
    table(
      "见证人的承诺值与揭示值（按承诺顺序）",
      ["见证人", "承诺值（SHA-256）", "揭示值"],
      x.witnesses.map((w) => [
        `${w.position}. ${w.name}`,
        h("code", { class: "hash" }, w.commitment),
        w.secret ? h("code", { class: "hash" }, w.secret) : "尚未揭示",
      ]),
      "hearing-witnesses",
    ),
    x.pool.length
      ? table(
          drawn ? "抽选结果（按假名编号）" : "报名名单（按假名编号）",
          ["假名编号", "类别", "选中概率", "结果"],
          [...x.pool]
            .sort((a, b) => a.category.localeCompare(b.category) || a.poolId.localeCompare(b.poolId))
            .map((p) => [
              h("code", {}, p.poolId),
              label(HEARING_CATEGORY, p.category),
              p.probability ?? "—",
              p.outcome ? `${label(DRAW_OUTCOME, p.outcome)}${p.alternateRank ? `（第 ${p.alternateRank} 候补）` : ""}` : "—",
            ]),
          "hearing-pool",
        )
      : h("p", { class: "muted" }, "尚无报名。"),
    h("p", { class: "hint" }, "任何人可用 yishi draw verify 依据公开的承诺值、名单哈希和揭示值复核抽选结果。"),
    // the record is for organisers (who alone get `applications`) until it is sealed
    x.applications || x.sealedAt
      ? h("div", { class: "actions" }, recordLink(x))
      : h("p", { class: "hint" }, "听证会记录封存后可下载。"),
  );
}

/** Render the decision's hearings into `section`; returns what reloads it. */
export function hearingPanel(section: HTMLElement, decisionId: string): () => Promise<void> {
  async function reload(): Promise<void> {
    const mine: HearingNode[] = [];
    let after: string | null = null;
    try {
      for (;;) {
        const page: DecisionHearingsQuery["hearings"] = (await query(HEARINGS, { after })).hearings;
        mine.push(...page.edges.map((e) => e.node).filter((x) => x.decisionId === decisionId));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor ?? null;
      }
    } catch (error) {
      fill(section, h("h2", { id: "hearings-title" }, "听证会"), h("p", { class: "error", role: "alert" }, (error as Error).message));
      return;
    }
    fill(
      section,
      h("h2", { id: "hearings-title" }, "听证会"),
      mine.length ? mine.map(hearingCard) : h("p", { class: "muted" }, "本事项未举行听证会。"),
    );
    section.dataset.loaded = "true";
  }
  void reload();
  return reload;
}
