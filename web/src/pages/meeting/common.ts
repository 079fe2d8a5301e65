// Pieces the meeting pages share: the state badge and county wall time for inputs.
import { h } from "../../dom";
import { HOST_MEETING_STATE, label } from "../../labels";

export function meetingStateBadge(state: string): HTMLElement {
  return h("span", { class: `badge meeting-${state.toLowerCase()}` }, label(HOST_MEETING_STATE, state));
}

/** `2026-12-08T09:30` typed as the county's wall time (its IANA zone) → an ISO moment. */
export function countyMoment(local: string, zone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return null;
  const asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  // the zone's offset at that moment: format the UTC guess in the zone, compare
  const shown = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(asUtc));
  const p = Object.fromEntries(shown.map((x) => [x.type, x.value]));
  const offset = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute) - asUtc;
  return new Date(asUtc - offset).toISOString();
}

/** Seconds as 分:秒 (a speech timer). */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}
