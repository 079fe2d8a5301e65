// A few DOM helpers: the console is plain TypeScript, no UI framework (a small bundle, and
// nothing between the page and the browser's own accessibility: labels, focus, buttons).
// Nothing here writes a `style` attribute or inline script: the CSP allows 'self' only.

export type Child = Node | string | number | null | undefined | false | Child[];
type Attr = string | number | boolean | null | undefined | ((event: Event) => void);

/** An element with attributes (`on…` are listeners; `true` is a bare attribute) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, Attr> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

let nextId = 0;
/** A unique element id (labels point at their inputs with it). */
export function uid(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

// Times and dates are the county's (its IANA zone, from the API), whatever the browser's zone.
let zone = "Asia/Shanghai";
export function setZone(timezone: string): void {
  zone = timezone;
}

function parts(d: Date, time: boolean): Record<string, string> {
  const format = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    ...(time ? { hour: "2-digit", minute: "2-digit", hourCycle: "h23" } : {}),
  });
  return Object.fromEntries(format.formatToParts(d).map((p) => [p.type, p.value]));
}

/** `2026-12-01T01:15:00+00:00` as the county reads it: 2026-12-01 09:15. */
export function when(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = parts(d, true);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** The county's date of a moment (today by default), YYYY-MM-DD. */
export function countyDate(d: Date = new Date()): string {
  const p = parts(d, false);
  return `${p.year}-${p.month}-${p.day}`;
}
