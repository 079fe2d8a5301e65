// Client-side routes under /console/ (the service answers every one of them with the
// index: backend/server/console.py). A page renders into the main area and returns what
// stops it (its live views) when another page replaces it.

export const BASE = "/console";

export type Stop = () => void;
export type Page = (main: HTMLElement, params: Record<string, string>) => Stop | void | Promise<Stop | void>;

interface Route {
  pattern: RegExp;
  keys: string[];
  page: Page;
}

const routes: Route[] = [];
let current: Stop | null = null;
let render: (page: Page, params: Record<string, string>) => Promise<Stop | void> = async () => {};

export function route(path: string, page: Page): void {
  const keys: string[] = [];
  const pattern = new RegExp(
    "^" + BASE + path.replace(/:(\w+)/g, (_, key: string) => (keys.push(key), "([^/]+)")) + "/?$",
  );
  routes.push({ pattern, keys, page });
}

export function onRender(fn: typeof render): void {
  render = fn;
}

export function href(path: string): string {
  return BASE + path;
}

export async function navigate(path: string, replace = false): Promise<void> {
  const url = path.startsWith(BASE) ? path : BASE + path;
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  await dispatch();
}

export async function dispatch(): Promise<void> {
  current?.();
  current = null;
  const path = location.pathname;
  for (const r of routes) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    const params = Object.fromEntries(r.keys.map((k, i) => [k, decodeURIComponent(m[i + 1])]));
    current = (await render(r.page, params)) || null;
    return;
  }
  await navigate("/inbox", true);
}

export function startRouter(): void {
  window.addEventListener("popstate", () => void dispatch());
  document.addEventListener("click", (event) => {
    const a = (event.target as Element | null)?.closest?.("a");
    if (!a || a.target || a.hasAttribute("download") || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith(BASE + "/")) return;
    event.preventDefault();
    void navigate(url.pathname + url.search);
  });
}
