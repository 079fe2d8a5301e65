// 说事场所: the county's venues (说事中心/说事处/说事站/说事点, 线上说事处) page by page,
// one unit's or all; add one to a unit (createVenue: its level must fit the unit's) and
// rename one or change its address (updateVenue).
import { mutate, query } from "../../api";
import { fill, h } from "../../dom";
import { field, form, input, select } from "../../forms";
import { graphql } from "../../gql";
import type { VenueLevel } from "../../gql/graphql";
import { ORG_KIND, VENUE_LEVEL, label } from "../../labels";
import type { Page } from "../../router";
import { statusLine } from "../common";
import { adminHeader, allUnits, pager, unitOptions, unitPath } from "./common";

const VENUES = graphql(`
  query AdminVenues($orgUnitId: ID, $after: String) {
    venues(orgUnitId: $orgUnitId, first: 20, after: $after) {
      edges { node { id name level address orgUnit { id name kind } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

const CREATE_VENUE = graphql(`
  mutation AdminCreateVenue($input: CreateVenueInput!) {
    createVenue(input: $input) { venue { id name } errors { field code message } }
  }
`);

const UPDATE_VENUE = graphql(`
  mutation AdminUpdateVenue($input: UpdateVenueInput!) {
    updateVenue(input: $input) { venue { id name address } errors { field code message } }
  }
`);

export const venuesPage: Page = async (main) => {
  document.title = "说事场所 · 议事工作台";
  const units = await allUnits();
  const options = unitOptions(units);
  const status = statusLine();
  status.id = "admin-status";
  const list = h("ul", { class: "plain venue-list", id: "venue-list" });
  const filter = select([["", "全部单位"], ...options], { id: "venue-filter" });
  const pages = pager(async (after) => {
    const data = await query(VENUES, { orgUnitId: filter.value || null, after });
    const edges = data.venues.edges;
    fill(
      list,
      edges.length
        ? edges.map(({ node: v }) => {
            const row = h(
              "li",
              { "data-venue": v.id },
              h("strong", {}, v.name),
              ` · ${label(VENUE_LEVEL, v.level)} · ${unitPath(units, v.orgUnit.id)}（${label(ORG_KIND, v.orgUnit.kind)}）`,
              v.address ? h("span", { class: "muted" }, ` · ${v.address}`) : "",
              " ",
              h("button", { type: "button", class: "secondary", onclick: () => edit(row, v) }, "修改"),
            );
            return row;
          })
        : h("li", { class: "empty" }, "暂无说事场所"),
    );
    list.dataset.loaded = String(edges.length);
    return { endCursor: data.venues.pageInfo.endCursor ?? null, hasNext: data.venues.pageInfo.hasNextPage };
  });
  filter.addEventListener("change", () => void pages.first());

  function edit(row: HTMLElement, v: { id: string; name: string; address?: string | null }): void {
    const name = input({ value: v.name });
    const address = input({ value: v.address ?? "" });
    const f = form({
      title: `修改“${v.name}”`,
      submit: "保存",
      className: "edit-venue-form",
      fields: [field("name", "名称", name), field("address", "地址", address)],
      onSubmit: async () => {
        const data = await mutate(UPDATE_VENUE, { input: { id: v.id, name: name.value, address: address.value } });
        if (!data.updateVenue.errors.length) {
          status.textContent = `已保存“${data.updateVenue.venue?.name}”`;
          await pages.first();
        }
        return data.updateVenue.errors;
      },
    });
    row.after(h("li", {}, f.element));
    name.focus();
  }

  const unit = select(options);
  const level = select(Object.entries(VENUE_LEVEL));
  const name = input();
  const address = input({ autocomplete: "street-address" });
  const add = form({
    title: "新增说事场所",
    submit: "新增",
    className: "add-venue-form",
    fields: [
      field("orgUnitId", "所属单位", unit),
      field("level", "级别", level, "说事中心设在县，说事处设在乡镇/街道，说事站设在村/社区，说事点设在网格"),
      field("name", "名称", name, "例如 北屏乡群众说事处"),
      field("address", "地址（可选）", address),
    ],
    onSubmit: async () => {
      const data = await mutate(CREATE_VENUE, {
        input: { orgUnitId: unit.value, level: level.value as VenueLevel, name: name.value, address: address.value || null },
      });
      const venue = data.createVenue.venue;
      if (venue) {
        status.textContent = `已新增“${venue.name}”`;
        name.value = "";
        address.value = "";
        await pages.first();
      }
      return data.createVenue.errors;
    },
  });

  fill(
    main,
    ...adminHeader("/admin/venues", "说事场所"),
    status,
    h(
      "div",
      { class: "admin-grid" },
      h(
        "section",
        { class: "card", "aria-labelledby": "venues-title" },
        h("h2", { id: "venues-title" }, "场所列表"),
        h("div", { class: "field" }, h("label", { for: "venue-filter" }, "按单位筛选"), filter),
        list,
        pages.element,
      ),
      add.element,
    ),
  );
  await pages.first();
};
