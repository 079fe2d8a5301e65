// The county staff console (工作台): sign-in, the shell (top bar, reconnect banner) and the
// pages. docs/console.md says how it is built and served and how to add a page.
import "./style.css";
import { closeSocket, mutate, onConnection, openSocket, setSignInCounty, signOut, whenSignedOut } from "./api";
import { fill, h } from "./dom";
import { field, form, input } from "./forms";
import { graphql } from "./gql";
import { MEMBER_ROLE } from "./labels";
import { auditPage, orgPage, peoplePage, rulesPage, venuesPage } from "./pages/admin";
import { casePage } from "./pages/case";
import { inboxPage } from "./pages/inbox";
import { meetingsPage } from "./pages/meeting/list";
import { meetingRoomPage } from "./pages/meeting/room";
import { BASE, dispatch, href, navigate, onRender, route, startRouter, type Page } from "./router";
import { chosenCounty, clearSession, loadSession, saveSession } from "./session";
import { chooseUnit, currentViewer, forget, loadViewer, type Viewer } from "./viewer";

const LOGIN = graphql(`
  mutation ConsoleLogin($input: LoginInput!) {
    login(input: $input) {
      tokens { accessToken accessTokenExpiresAt refreshToken }
      errors { field code message }
    }
  }
`);

const app = document.getElementById("app")!;

function signInPage(message?: string): void {
  closeSocket();
  forget();
  const county = input({ autocomplete: "organization", value: chosenCounty(), spellcheck: "false" });
  const phone = input({ type: "tel", inputmode: "tel", autocomplete: "username" });
  const password = input({ type: "password", autocomplete: "current-password" });
  const f = form({
    title: "工作人员登录",
    submit: "登录",
    fields: [
      field("county", "所属县（区）代码", county, "例如 chengkou；可在地址中用 ?county= 指定"),
      field("phone", "手机号", phone),
      field("password", "密码", password),
    ],
    onSubmit: async () => {
      const slug = county.value.trim();
      if (!slug) return [{ field: "county", message: "请填写所属县（区）代码" }];
      setSignInCounty(slug);
      const data = await mutate(LOGIN, { input: { phone: phone.value.trim(), password: password.value } });
      const tokens = data.login.tokens;
      if (!tokens) return data.login.errors;
      saveSession({ county: slug, ...tokens });
      await enter(sessionStorage.getItem("yishi.console.return") ?? "/inbox");
      return [];
    },
  });
  if (message) f.showErrors([{ message }]);
  fill(
    app,
    h(
      "main",
      { id: "main", class: "signin" },
      h("h1", {}, "议事 · 县级工作台"),
      h("p", { class: "muted" }, "承办单位和县级管理员办理群众诉求、建议和咨询。"),
      f.element,
    ),
  );
  county.value ? phone.focus() : county.focus();
}

let stopBanner: (() => void) | null = null;
let renderTopBar: () => void = () => {};

function shell(viewer: Viewer): HTMLElement {
  const unitSelect =
    viewer.units.length > 1
      ? h(
          "select",
          {
            id: "unit-select",
            onchange: (e: Event) => {
              chooseUnit((e.target as HTMLSelectElement).value);
              void dispatch();
              renderTopBar();
            },
          },
          ...viewer.units.map((u) => h("option", { value: u.id, selected: u.id === viewer.unit.id }, u.name)),
        )
      : null;
  const banner = h(
    "div",
    { id: "connection-banner", class: "banner", role: "status", "aria-live": "assertive" },
    "连接已断开，正在重新连接…",
  );
  banner.hidden = true;
  stopBanner?.();
  stopBanner = onConnection((up) => {
    banner.hidden = up;
    document.body.classList.toggle("offline", !up);
  });
  const main = h("main", { id: "main", tabindex: "-1" });
  const top = h("header", { class: "topbar" });
  renderTopBar = () => {
    const v = currentViewer()!;
    fill(
      top,
      h("a", { class: "skip", href: "#main" }, "跳到主要内容"),
      h("span", { class: "brand" }, "议事 · 工作台"),
      h("span", { class: "county" }, v.countyName),
      h(
        "span",
        { class: "who" },
        unitSelect
          ? [h("label", { for: "unit-select", class: "inline-label" }, "所在单位"), unitSelect]
          : h("span", { id: "unit-name" }, v.unit.name),
        h("span", { id: "user-name" }, v.name, v.countyOffice ? `（${MEMBER_ROLE.TENANT_ADMIN}）` : ""),
      ),
      h(
        "nav",
        { "aria-label": "主菜单" },
        h("a", { href: href("/inbox") }, "待办"),
        h("a", { href: href("/stats") }, "统计"),
        h("a", { href: href("/decisions") }, "重大决策"),
        v.countyOffice ? h("a", { href: href("/admin"), id: "nav-admin" }, "管理") : null,
        h("a", { href: href("/meetings") }, "会议"),
        h(
          "button",
          {
            type: "button",
            class: "secondary",
            onclick: async () => {
              await signOut();
              signInPage();
            },
          },
          "退出",
        ),
      ),
    );
    for (const a of top.querySelectorAll("nav a")) {
      if (location.pathname.startsWith((a as HTMLAnchorElement).pathname)) a.setAttribute("aria-current", "page");
    }
  };
  renderTopBar();
  return h("div", { class: "shell" }, top, banner, main);
}

const statsPage: Page = async (main, params) => {
  main.textContent = "正在加载统计…";
  const { statsPage: page } = await import("./pages/stats"); // ECharts only here
  return page(main, params);
};

route("/", async () => void navigate("/inbox", true));
route("/inbox", inboxPage);
route("/cases/:id", casePage);
route("/stats", statsPage);
// 重大行政决策跟踪 (pages/decision/), loaded when first opened
route("/decisions", async (main, params) => (await import("./pages/decision/list")).decisionsPage(main, params));
route("/decisions/:id", async (main, params) => (await import("./pages/decision/detail")).decisionPage(main, params));
// administration (县级管理员): pages/admin
route("/admin", orgPage);
route("/admin/venues", venuesPage);
route("/admin/people", peoplePage);
route("/admin/rules", rulesPage);
route("/admin/audit", auditPage);
// meeting: the unit's meetings and the control room (会议主持台)
route("/meetings", meetingsPage);
route("/meetings/:id", meetingRoomPage);

let shellEl: HTMLElement | null = null;

onRender(async (page, params) => {
  const viewer = currentViewer();
  if (!viewer) {
    signInPage();
    return;
  }
  if (!shellEl || !app.contains(shellEl)) {
    shellEl = shell(viewer);
    fill(app, shellEl);
  }
  renderTopBar(); // the current page's link, the unit
  const main = shellEl.querySelector("main")!;
  main.replaceChildren();
  const stop = await page(main, params);
  main.focus({ preventScroll: true });
  return stop;
});

async function enter(path: string): Promise<void> {
  try {
    openSocket();
    await loadViewer();
  } catch (error) {
    clearSession();
    signInPage(error instanceof Error ? error.message : String(error));
    return;
  }
  sessionStorage.removeItem("yishi.console.return");
  await navigate(path, true);
}

whenSignedOut(() => {
  sessionStorage.setItem("yishi.console.return", location.pathname.slice(BASE.length) || "/inbox");
  signInPage("登录已失效，请重新登录");
});

startRouter();
const session = loadSession();
if (location.pathname === BASE + "/m" || location.pathname.startsWith(BASE + "/m/")) {
  // the participant pages (群众端): their own route tree and shell, web/src/pages/participant/
  void import("./pages/participant/app").then(({ startParticipant }) => startParticipant(app));
} else if (session && (!chosenCounty() || chosenCounty() === session.county)) {
  void enter(location.pathname.slice(BASE.length) || "/inbox");
} else {
  clearSession();
  sessionStorage.setItem("yishi.console.return", location.pathname.slice(BASE.length) || "/inbox");
  signInPage();
}
