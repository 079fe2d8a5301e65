// 人员与角色: the county's accounts (search by name, filter by role, page by page), a new
// account with its first role (createUser), and for the chosen person: grant a role
// county-wide or in a unit (grantRole) and revoke one (revokeRole; the county's last
// administrator stays). The API has no deactivation: an account is disabled only by
// erasing it at the person's request (个人信息, not here).
import { mutate, query } from "../../api";
import { fill, h } from "../../dom";
import { field, form, input, select } from "../../forms";
import { graphql } from "../../gql";
import type { AdminUsersQuery, Role } from "../../gql/graphql";
import { ALL_ROLES, label } from "../../labels";
import type { Page } from "../../router";
import { statusLine } from "../common";
import { adminHeader, allUnits, pager, unitOptions, unitPath } from "./common";

const USERS = graphql(`
  query AdminUsers($search: String, $role: Role, $after: String) {
    users(search: $search, role: $role, first: 20, after: $after) {
      edges { node { id displayName phone isActive memberships { id role orgUnit { id name } } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

const CREATE_USER = graphql(`
  mutation AdminCreateUser($input: CreateUserInput!) {
    createUser(input: $input) { user { id displayName } errors { field code message } }
  }
`);

const GRANT = graphql(`
  mutation AdminGrantRole($input: GrantRoleInput!) {
    grantRole(input: $input) { membership { id role } errors { field code message } }
  }
`);

const REVOKE = graphql(`
  mutation AdminRevokeRole($membershipId: ID!) {
    revokeRole(membershipId: $membershipId) { membership { id role } errors { field code message } }
  }
`);

const SET_ACTIVE = graphql(`
  mutation AdminSetUserActive($userId: ID!, $active: Boolean!) {
    setUserActive(userId: $userId, active: $active) { user { id isActive } errors { field code message } }
  }
`);

type User = AdminUsersQuery["users"]["edges"][number]["node"];

export const peoplePage: Page = async (main) => {
  document.title = "人员与角色 · 议事工作台";
  const units = await allUnits();
  const scopes: [string, string][] = [["", "全县范围"], ...unitOptions(units)];
  const roles = Object.entries(ALL_ROLES);
  const status = statusLine();
  status.id = "admin-status";
  const list = h("ul", { class: "plain user-list", id: "user-list" });
  const detail = h("div", { id: "user-detail" });
  let shown: User[] = [];
  let chosen = "";

  const search = input({ type: "search", id: "user-search" });
  const roleFilter = select([["", "全部角色"], ...roles], { id: "user-role" });
  const filters = h(
    "form",
    {
      class: "card filters",
      role: "search",
      onsubmit: (e: Event) => {
        e.preventDefault();
        void pages.first();
      },
    },
    h("div", { class: "field" }, h("label", { for: "user-search" }, "姓名包含"), search),
    h("div", { class: "field" }, h("label", { for: "user-role" }, "角色"), roleFilter),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "查找")),
  );

  const roleText = (m: User["memberships"][number]): string =>
    `${label(ALL_ROLES, m.role)}（${m.orgUnit ? unitPath(units, m.orgUnit.id) : "全县"}）`;

  const pages = pager(async (after) => {
    const data = await query(USERS, {
      search: search.value.trim() || null,
      role: (roleFilter.value || null) as Role | null,
      after,
    });
    shown = data.users.edges.map((e) => e.node);
    fill(
      list,
      shown.length
        ? shown.map((u) =>
            h(
              "li",
              { "data-user": u.id },
              h("strong", {}, u.displayName),
              ` · ${u.phone}`,
              u.isActive ? "" : h("span", { class: "badge danger" }, "已停用"),
              h("br", {}),
              h("span", { class: "muted" }, u.memberships.map(roleText).join("；") || "无角色"),
              " ",
              h("button", { type: "button", class: "secondary", "data-manage": u.id, onclick: () => choose(u.id) }, "管理角色"),
            ),
          )
        : h("li", { class: "empty" }, "没有符合条件的人员"),
    );
    list.dataset.loaded = String(shown.length);
    if (chosen) renderDetail();
    return { endCursor: data.users.pageInfo.endCursor ?? null, hasNext: data.users.pageInfo.hasNextPage };
  });

  function choose(id: string): void {
    chosen = id;
    renderDetail();
    (detail.querySelector("h2") as HTMLElement | null)?.focus();
  }

  function renderDetail(): void {
    const u = shown.find((x) => x.id === chosen);
    if (!u) {
      fill(detail);
      return;
    }
    const role = select(roles);
    const scope = select(scopes);
    const grant = form({
      title: "授予角色",
      submit: "授予",
      className: "grant-form",
      fields: [field("role", "角色", role), field("orgUnitId", "范围", scope, "承办单位工作人员须选所在单位")],
      onSubmit: async () => {
        const data = await mutate(GRANT, {
          input: { userId: u.id, role: role.value as Role, orgUnitId: scope.value || null },
        });
        if (!data.grantRole.errors.length) {
          status.textContent = `已授予${u.displayName}${label(ALL_ROLES, role.value)}角色`;
          await pages.first();
        }
        return data.grantRole.errors;
      },
    });
    const revokeError = h("p", { class: "error", role: "alert", id: "revoke-error" });
    revokeError.hidden = true;
    fill(
      detail,
      h(
        "section",
        { class: "card", "aria-labelledby": "user-detail-title" },
        h("h2", { id: "user-detail-title", tabindex: "-1" }, `${u.displayName} 的角色`),
        revokeError,
        u.memberships.length
          ? h(
              "ul",
              { class: "plain", id: "memberships" },
              ...u.memberships.map((m) =>
                h(
                  "li",
                  { "data-membership": m.id },
                  roleText(m),
                  " ",
                  h(
                    "button",
                    {
                      type: "button",
                      class: "secondary",
                      "aria-label": `撤销${roleText(m)}`,
                      onclick: async () => {
                        revokeError.hidden = true;
                        try {
                          const data = await mutate(REVOKE, { membershipId: m.id });
                          const errors = data.revokeRole.errors;
                          if (errors.length) {
                            revokeError.textContent = errors.map((e) => e.message).join("；");
                            revokeError.hidden = false;
                            return;
                          }
                          status.textContent = `已撤销${u.displayName}的${label(ALL_ROLES, m.role)}角色`;
                          await pages.first();
                        } catch (error) {
                          revokeError.textContent = error instanceof Error ? error.message : String(error);
                          revokeError.hidden = false;
                        }
                      },
                    },
                    "撤销",
                  ),
                ),
              ),
            )
          : h("p", { class: "muted" }, "尚无角色"),
        h(
          "div",
          { class: "actions" },
          h(
            "button",
            {
              type: "button",
              class: "secondary",
              id: "toggle-active",
              onclick: async () => {
                revokeError.hidden = true;
                try {
                  const data = await mutate(SET_ACTIVE, { userId: u.id, active: !u.isActive });
                  const errors = data.setUserActive.errors;
                  if (errors.length) {
                    revokeError.textContent = errors.map((e) => e.message).join("；");
                    revokeError.hidden = false;
                    return;
                  }
                  status.textContent = `${u.displayName}的账号已${u.isActive ? "停用" : "启用"}`;
                  await pages.first();
                } catch (error) {
                  revokeError.textContent = error instanceof Error ? error.message : String(error);
                  revokeError.hidden = false;
                }
              },
            },
            u.isActive ? "停用账号" : "启用账号",
          ),
        ),
      ),
      grant.element,
    );
  }

  const displayName = input({ autocomplete: "off" });
  const phone = input({ type: "tel", inputmode: "tel", autocomplete: "off" });
  const password = input({ type: "password", autocomplete: "new-password" });
  const newRole = select([["", "暂不授予"], ...roles]);
  const newScope = select(scopes);
  const create = form({
    title: "新建账号",
    submit: "创建",
    className: "create-user-form",
    fields: [
      field("displayName", "姓名", displayName),
      field("phone", "手机号（登录名）", phone),
      field("password", "初始密码", password, "至少8个字符；不填则本人须另行设置后才能登录"),
      field("roles.role", "角色", newRole),
      field("roles.orgUnitId", "角色范围", newScope),
    ],
    onSubmit: async () => {
      const data = await mutate(CREATE_USER, {
        input: {
          displayName: displayName.value,
          phone: phone.value.trim(),
          password: password.value || null,
          roles: newRole.value ? [{ role: newRole.value as Role, orgUnitId: newScope.value || null }] : null,
        },
      });
      const user = data.createUser.user;
      if (user) {
        status.textContent = `已创建账号“${user.displayName}”`;
        for (const c of [displayName, phone, password]) c.value = "";
        search.value = user.displayName;
        roleFilter.value = "";
        await pages.first();
      }
      return data.createUser.errors;
    },
  });

  fill(
    main,
    ...adminHeader("/admin/people", "人员与角色"),
    status,
    filters,
    h(
      "div",
      { class: "admin-grid" },
      h("section", { class: "card", "aria-label": "人员列表" }, list, pages.element),
      h("div", {}, detail, create.element),
    ),
  );
  await pages.first();
};
