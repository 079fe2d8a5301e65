// My meetings (会议): the county's meetings that are on now or announced, the ones joined in
// this browser marked, and joining by a link someone shared (/console/m/meetings/<id>).
import { query } from "../../api";
import { fill, h, when } from "../../dom";
import { field, form, input } from "../../forms";
import { graphql } from "../../gql";
import { MEETING_KIND, MEETING_STATE, label } from "../../labels";
import { href, navigate, type Page } from "../../router";
import { joined } from "./meeting";

const MEETINGS = graphql(`
  query ParticipantMeetings {
    meetings(states: [LIVE, ANNOUNCED], first: 50) {
      edges { node { id title kind mode state startsAt venue { name } } }
    }
  }
`);

export const meetingsPage: Page = async (main) => {
  document.title = "会议 · 议事";
  const list = h("ul", { class: "m-list", id: "meeting-list" });
  const link = input({ inputmode: "url", autocomplete: "off", spellcheck: "false" });
  const join = form({
    title: "通过链接加入会议",
    submit: "打开会议",
    className: "m-form join-link-form",
    fields: [field("link", "会议链接", link, "粘贴收到的会议链接")],
    onSubmit: async () => {
      const m = /\/m\/meetings\/([^/?#]+)/.exec(link.value.trim());
      if (!m) return [{ field: "link", message: "这不是会议链接，请检查后重新粘贴" }];
      await navigate(`/m/meetings/${m[1]}`);
      return [];
    },
  });
  fill(main, h("h1", {}, "会议"), h("section", { "aria-label": "正在进行和即将召开的会议" }, list), join.element);
  const data = await query(MEETINGS, {});
  const mine = joined();
  const edges = [...data.meetings.edges].sort(
    (a, b) => Number(mine.has(b.node.id)) - Number(mine.has(a.node.id)) || Number(b.node.state === "LIVE") - Number(a.node.state === "LIVE"),
  );
  fill(
    list,
    edges.length
      ? edges.map(({ node: m }) =>
          h(
            "li",
            {},
            h(
              "a",
              { class: "m-card", href: href(`/m/meetings/${encodeURIComponent(m.id)}`), "data-meeting": m.id },
              h("span", { class: "m-card-title" }, m.title),
              h(
                "span",
                { class: "meta" },
                h("span", { class: `badge meeting-${m.state.toLowerCase()}` }, label(MEETING_STATE, m.state)),
                mine.has(m.id) ? h("span", { class: "badge" }, "已加入") : null,
                ` ${label(MEETING_KIND, m.kind)} · ${when(m.startsAt)}`,
                m.venue ? ` · ${m.venue.name}` : "",
              ),
            ),
          ),
        )
      : h("li", { class: "muted" }, "现在没有正在进行或即将召开的会议。"),
  );
  list.dataset.loaded = "1";
};
