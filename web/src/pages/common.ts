// Pieces several pages show: a case's deadline (with 暂定 where the API counted it on a
// year without a published official calendar), its state, and a status line.
import { h, type Child } from "../dom";
import { STATE, label } from "../labels";

export function deadline(dueOn: string | null | undefined, provisional: boolean, overdue = false): HTMLElement {
  if (!dueOn) return h("span", { class: "deadline muted" }, "未定时限");
  return h(
    "span",
    { class: `deadline${overdue ? " overdue" : ""}` },
    `办理时限 ${dueOn}`,
    overdue ? h("span", { class: "badge danger" }, "超期") : null,
    provisional
      ? h(
          "span",
          {
            class: "badge provisional",
            title: "该年度国务院节假日安排尚未发布，按周一至周五计算，公布后可能调整",
          },
          "暂定",
        )
      : null,
  );
}

export function stateBadge(state: string): HTMLElement {
  return h("span", { class: `badge state-${state.toLowerCase()}` }, label(STATE, state));
}

/** A polite live region for what an action did (已签收…). */
export function statusLine(): HTMLElement {
  return h("p", { class: "status", role: "status", "aria-live": "polite" });
}

/** A row of filter tabs (toggle buttons with aria-pressed) kept in the address's `?tab=`:
 * picking one marks it, replaces the address (`url`, by default `?tab=<key>`) and calls
 * `onPick`; `extra` adds something to a tab's button (its count). */
export function tabStrip(
  name: string,
  tabs: readonly { key: string; title: string }[],
  current: string,
  onPick: (key: string) => void,
  { extra, url }: { extra?: (key: string) => Child; url?: (key: string) => string } = {},
): HTMLElement {
  const strip: HTMLElement = h(
    "div",
    { class: "tabs", role: "group", "aria-label": name },
    ...tabs.map((t) =>
      h(
        "button",
        {
          type: "button",
          "data-tab": t.key,
          "aria-pressed": String(t.key === current),
          onclick: () => {
            history.replaceState(null, "", url ? url(t.key) : `?tab=${t.key}`);
            for (const b of strip.querySelectorAll("button")) b.setAttribute("aria-pressed", String(b.dataset.tab === t.key));
            onPick(t.key);
          },
        },
        t.title,
        extra ? extra(t.key) : null,
      ),
    ),
  );
  return strip;
}
