// The participant pages (群众端), mobile first: their own route tree under /console/m/ in
// the same build as the staff console (WeChat's in-app browser is the common case). Sign-in
// with a password or an SMS code, or watching a meeting anonymously where it is public;
// my meetings and the live meeting view (meeting.ts); my cases and their rating (cases.ts).
// docs/console.md, "Participant pages".
import { closeSocket, mutate, onConnection, openSocket, query, setSignInCounty, signOut, whenSignedOut } from "../../api";
import { fill, h, setZone } from "../../dom";
import { field, form, input } from "../../forms";
import { graphql } from "../../gql";
import { BASE, dispatch, href, navigate, onRender, route } from "../../router";
import { chosenCounty, clearSession, loadSession, saveSession } from "../../session";
import { casePage, casesPage, newCasePage } from "./cases";
import { meetingPage } from "./meeting";
import { meetingsPage } from "./meetings";
import { person, setPerson, type Person } from "./person";

const LOGIN = graphql(`
  mutation ParticipantLogin($input: LoginInput!) {
    login(input: $input) {
      tokens { accessToken accessTokenExpiresAt refreshToken }
      errors { field code message }
    }
  }
`);

const SMS_CODE = graphql(`
  mutation ParticipantSmsCode($phone: String!) {
    requestSmsCode(phone: $phone) { sent errors { field code message } }
  }
`);

const SMS_SIGN_IN = graphql(`
  mutation ParticipantSmsSignIn($phone: String!, $code: String!) {
    signInWithSmsCode(phone: $phone, code: $code) {
      tokens { accessToken accessTokenExpiresAt refreshToken }
      errors { field code message }
    }
  }
`);

const ME = graphql(`
  query ParticipantViewer {
    viewer { user { id displayName verification } county { name slug timezone } }
  }
`);

const COUNTY = graphql(`
  query ParticipantCounty {
    viewer { county { name slug timezone } }
  }
`);

const RETURN_KEY = "yishi.m.return";

/** The path under /console/m to come back to after signing in. */
function here(): string {
  return location.pathname.slice(BASE.length) + location.search;
}

let app: HTMLElement;
let main: HTMLElement;
let top: HTMLElement;
let stopBanner: (() => void) | null = null;

function shell(): void {
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
  top = h("header", { class: "topbar m-topbar" });
  main = h("main", { id: "main", tabindex: "-1", class: "m-main" });
  fill(app, h("div", { class: "shell m-shell" }, top, banner, main));
  renderTop();
}

function renderTop(): void {
  const p = person();
  fill(
    top,
    h("a", { class: "skip", href: "#main" }, "跳到主要内容"),
    h("span", { class: "brand" }, "议事"),
    p ? h("span", { id: "person-name" }, p.name) : null,
    h(
      "nav",
      { "aria-label": "主菜单", class: "m-nav" },
      h("a", { href: href("/m/meetings") }, "会议"),
      p ? h("a", { href: href("/m/cases") }, "我的诉求") : null,
      p
        ? h(
            "button",
            {
              type: "button",
              class: "secondary",
              onclick: async () => {
                await signOut();
                setPerson(null);
                signIn();
              },
            },
            "退出",
          )
        : h("a", { href: href("/m/signin") }, "登录"),
    ),
  );
  for (const a of top.querySelectorAll("nav a")) {
    if (location.pathname.startsWith((a as HTMLAnchorElement).pathname)) a.setAttribute("aria-current", "page");
  }
}

async function afterSignIn(county: string, tokens: { accessToken: string; accessTokenExpiresAt: string; refreshToken: string }): Promise<void> {
  saveSession({ county, ...tokens });
  closeSocket(); // an anonymous socket gives way to the signed-in one
  await loadPerson();
  const back = sessionStorage.getItem(RETURN_KEY) ?? "/m/meetings";
  sessionStorage.removeItem(RETURN_KEY);
  shell();
  await navigate(back, true);
}

async function loadPerson(): Promise<Person | null> {
  if (!loadSession()) return null;
  const data = await query(ME, {});
  const user = data.viewer.user;
  if (!user || !data.viewer.county) return null;
  setZone(data.viewer.county.timezone);
  const p = { id: user.id, name: user.displayName, verification: user.verification, county: data.viewer.county.slug };
  setPerson(p);
  return p;
}

/** The sign-in page: phone and password, or phone and an SMS code. */
export function signIn(message?: string): void {
  closeSocket();
  const county = input({ autocomplete: "organization", value: chosenCounty(), spellcheck: "false" });
  const countyField = field("county", "所属县（区）代码", county, "通常已在链接里，例如 chengkou");
  const needCounty = (): string | null => {
    const slug = county.value.trim();
    if (slug) setSignInCounty(slug);
    return slug || null;
  };
  const phone = input({ type: "tel", inputmode: "tel", autocomplete: "tel" });
  const password = input({ type: "password", autocomplete: "current-password" });
  const byPassword = form({
    title: "用手机号和密码登录",
    submit: "登录",
    className: "m-form password-form",
    fields: [field("phone", "手机号", phone), field("password", "密码", password)],
    onSubmit: async () => {
      const slug = needCounty();
      if (!slug) return [{ message: "请先填写所属县（区）代码" }];
      const data = await mutate(LOGIN, { input: { phone: phone.value.trim(), password: password.value } });
      if (!data.login.tokens) return data.login.errors;
      await afterSignIn(slug, data.login.tokens);
      return [];
    },
  });
  const smsPhone = input({ type: "tel", inputmode: "tel", autocomplete: "tel" });
  const code = input({ inputmode: "numeric", autocomplete: "one-time-code", maxlength: "6" });
  const sent = h("p", { class: "status", role: "status", "aria-live": "polite" });
  const sendCode = h("button", { type: "button", class: "secondary", id: "send-code" }, "获取验证码");
  const bySms = form({
    title: "用短信验证码登录",
    submit: "登录",
    className: "m-form sms-form",
    fields: [field("phone", "手机号", smsPhone), field("code", "短信验证码", code, "6 位数字；新号码登录后即注册为群众账号")],
    extra: h("div", {}, sendCode, sent),
    onSubmit: async () => {
      const slug = needCounty();
      if (!slug) return [{ message: "请先填写所属县（区）代码" }];
      const data = await mutate(SMS_SIGN_IN, { phone: smsPhone.value.trim(), code: code.value.trim() });
      if (!data.signInWithSmsCode.tokens) return data.signInWithSmsCode.errors;
      await afterSignIn(slug, data.signInWithSmsCode.tokens);
      return [];
    },
  });
  sendCode.addEventListener("click", async () => {
    bySms.clearErrors();
    sent.textContent = "";
    if (!needCounty()) {
      bySms.showErrors([{ message: "请先填写所属县（区）代码" }]);
      return;
    }
    sendCode.disabled = true;
    try {
      const data = await mutate(SMS_CODE, { phone: smsPhone.value.trim() });
      if (data.requestSmsCode.errors.length) bySms.showErrors(data.requestSmsCode.errors);
      else sent.textContent = "验证码已发送，请查看短信";
    } catch (error) {
      bySms.showErrors([{ message: error instanceof Error ? error.message : String(error) }]);
    } finally {
      sendCode.disabled = false;
    }
  });
  const countyBox = h(
    "div",
    { class: "card m-form" },
    h("div", { class: "field" }, h("label", { for: (county.id ||= "m-county") }, countyField.label), county,
      h("p", { class: "hint" }, countyField.hint ?? "")),
  );
  const back = sessionStorage.getItem(RETURN_KEY);
  const watch = back?.startsWith("/m/meetings/")
    ? h("p", {}, h("a", { class: "button secondary big", href: href(back), id: "watch-anonymously",
        onclick: () => { needCounty(); sessionStorage.setItem("yishi.m.anonymous", "1"); } }, "不登录，仅观看会议"))
    : null;
  fill(
    app,
    h(
      "main",
      { id: "main", class: "signin m-main" },
      h("h1", {}, "议事 · 群众参与"),
      h("p", { class: "muted" }, "参加会议、投票测评、发言提问，查看自己反映的诉求和答复。"),
      message ? h("p", { class: "error", role: "alert" }, message) : null,
      countyBox,
      byPassword.element,
      bySms.element,
      watch,
    ),
  );
  (county.value ? phone : county).focus();
}

/** Start the participant pages (main.ts calls this for paths under /console/m). */
export async function startParticipant(root: HTMLElement): Promise<void> {
  app = root;
  document.documentElement.classList.add("m");
  const county = chosenCounty();
  if (county) {
    setSignInCounty(county);
    sessionStorage.setItem("yishi.console.county", county);
  }
  route("/m", async () => void navigate("/m/meetings", true));
  route("/m/signin", async () => signIn());
  route("/m/meetings", meetingsPage);
  route("/m/meetings/:id", meetingPage);
  route("/m/cases", casesPage);
  route("/m/cases/new", newCasePage);
  route("/m/cases/:id", casePage);
  route("/m/:unknown", async () => void navigate("/m/meetings", true)); // not the staff inbox
  whenSignedOut(() => {
    sessionStorage.setItem(RETURN_KEY, here());
    setPerson(null);
    signIn("登录已失效，请重新登录");
  });
  onRender(async (page, params) => {
    const anonymous = sessionStorage.getItem("yishi.m.anonymous") === "1";
    const isMeeting = location.pathname.startsWith(BASE + "/m/meetings/");
    if (location.pathname.replace(/\/$/, "") === BASE + "/m/signin") {
      signIn();
      return;
    }
    if (!person() && !(anonymous && isMeeting)) {
      sessionStorage.setItem(RETURN_KEY, here());
      signIn();
      return;
    }
    if (!main || !app.contains(main)) shell();
    renderTop();
    main.replaceChildren();
    const stop = await page(main, params);
    main.focus({ preventScroll: true });
    return stop;
  });
  const session = loadSession();
  if (session && (!county || county === session.county)) {
    try {
      openSocket();
      await loadPerson();
    } catch {
      clearSession();
    }
  } else if (session) {
    clearSession();
  }
  if (!person() && county) {
    try {
      const data = await query(COUNTY, {});
      if (data.viewer.county) setZone(data.viewer.county.timezone);
    } catch {
      /* the county's zone stays the default (Asia/Shanghai) */
    }
  }
  await dispatch();
}
