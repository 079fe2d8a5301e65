// 议事规则: the county's rulebook — each rule's value here, its default, its unit and the
// legal source of each (document and article), the reason published when the county went
// below a binding minimum; a county-wide administrator sets the county's own value
// (setCountyRule: refused in place, naming the rule and its source, e.g. a comment period
// shorter than the national 30 days without a reason) or goes back to the default.
import { mutate, query } from "../../api";
import { fill, h } from "../../dom";
import { field, form, input, select, textarea } from "../../forms";
import { graphql } from "../../gql";
import type { CountyRulesQuery, RuleUnit } from "../../gql/graphql";
import { RULE_UNIT, label } from "../../labels";
import type { Page } from "../../router";
import { currentViewer } from "../../viewer";
import { statusLine } from "../common";
import { adminHeader } from "./common";

const RULES = graphql(`
  query CountyRules {
    countyRules {
      key title value unit amount source overridden reason bindingMinimum belowBindingMinimum
      defaultValue defaultUnit defaultAmount defaultSource note citation
    }
  }
`);

const SET_RULE = graphql(`
  mutation AdminSetRule($input: SetCountyRuleInput!) {
    setCountyRule(input: $input) { rule { key amount } errors { field code message } }
  }
`);

const RESET_RULE = graphql(`
  mutation AdminResetRule($key: String!) {
    resetCountyRule(key: $key) { rule { key amount } errors { field code message } }
  }
`);

type Rule = CountyRulesQuery["countyRules"][number];
const DAY_UNITS = ["CALENDAR_DAYS", "WORKING_DAYS"];

export const rulesPage: Page = async (main) => {
  document.title = "议事规则 · 议事工作台";
  const mayEdit = currentViewer()?.countyOffice ?? false;
  const status = statusLine();
  status.id = "admin-status";
  const list = h("ul", { class: "rule-list", id: "rule-list" });
  fill(
    main,
    ...adminHeader("/admin/rules", "议事规则"),
    h(
      "p",
      { class: "hint" },
      "各项期限、人数和限额均可按本县制度调整，须注明依据；低于国家规定下限的，须说明理由并公开。",
    ),
    status,
    list,
  );

  async function reload(): Promise<void> {
    const data = await query(RULES, {});
    fill(list, ...data.countyRules.map(card));
    list.dataset.loaded = String(data.countyRules.length);
  }

  function card(r: Rule): HTMLElement {
    const editArea = h("div", {});
    const li = h(
      "li",
      { class: "card rule", "data-rule": r.key },
      h("h2", {}, r.title, r.overridden ? h("span", { class: "badge" }, "本县规定") : null,
        r.bindingMinimum ? h("span", { class: "badge warn" }, "国家下限") : null),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "现行"),
        h("dd", { class: "rule-value" }, r.amount),
        h("dt", {}, "依据"),
        h("dd", { class: "rule-source" }, r.source),
        h("dt", {}, "默认"),
        h("dd", {}, `${r.defaultAmount}（${r.defaultSource}）`),
        h("dt", {}, "单位"),
        h("dd", {}, label(RULE_UNIT, r.unit)),
        r.reason ? [h("dt", {}, "理由（公开）"), h("dd", {}, r.reason)] : null,
        r.note ? [h("dt", {}, "说明"), h("dd", {}, r.note)] : null,
        h("dt", {}, "键"),
        h("dd", { class: "muted" }, h("code", {}, r.key)),
      ),
      mayEdit
        ? h(
            "div",
            { class: "actions" },
            h("button", { type: "button", class: "secondary", "data-edit": r.key, onclick: () => edit(r, editArea) }, "修改"),
            r.overridden
              ? h("button", { type: "button", class: "secondary", "data-reset": r.key, onclick: () => void reset(r, editArea) }, "恢复默认")
              : null,
          )
        : null,
      editArea,
    );
    return li;
  }

  async function reset(r: Rule, area: HTMLElement): Promise<void> {
    const data = await mutate(RESET_RULE, { key: r.key });
    if (data.resetCountyRule.errors.length) {
      fill(area, h("p", { class: "error", role: "alert" }, data.resetCountyRule.errors.map((e) => e.message).join("；")));
      return;
    }
    status.textContent = `“${r.title}”已恢复默认（${data.resetCountyRule.rule?.amount}）`;
    await reload();
  }

  function edit(r: Rule, area: HTMLElement): void {
    const value = input({ type: "number", inputmode: "numeric", min: "1", step: "1", value: String(r.value) });
    const unit = DAY_UNITS.includes(r.defaultUnit)
      ? select(DAY_UNITS.map((u) => [u, label(RULE_UNIT, u)]))
      : null;
    if (unit) unit.value = r.unit;
    const source = input({ value: r.overridden ? r.source : "" });
    const reason = textarea({ rows: "3" });
    reason.value = r.reason ?? "";
    const f = form({
      title: `修改“${r.title}”`,
      submit: "保存",
      className: "rule-form",
      fields: [
        field("value", `取值（默认 ${r.defaultAmount}）`, value),
        ...(unit ? [field("unit", "单位", unit)] : []),
        field("source", "依据（文件名称及条款）", source, "例如 《某县重大行政决策公众参与制度》第九条"),
        field("reason", "理由", reason, r.bindingMinimum ? `低于${r.defaultSource}规定的${r.defaultAmount}时必填，并随规则公开` : undefined),
      ],
      onSubmit: async () => {
        const raw = value.value.trim();
        const number = Number(raw);
        if (!/^\d+$/.test(raw) || !Number.isSafeInteger(number)) {
          return [{ field: "value", message: `“${r.title}”的取值应为正整数` }];
        }
        const data = await mutate(SET_RULE, {
          input: {
            key: r.key,
            value: number,
            unit: (unit?.value ?? null) as RuleUnit | null,
            source: source.value,
            reason: reason.value.trim() || null,
          },
        });
        const errors = data.setCountyRule.errors;
        if (!errors.length) {
          status.textContent = `“${r.title}”已改为${data.setCountyRule.rule?.amount}`;
          await reload();
        }
        return errors;
      },
    });
    fill(area, f.element);
    value.focus();
  }

  await reload();
};
