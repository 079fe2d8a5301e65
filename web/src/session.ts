// The signed-in session: the county (from the URL's ?county= or the sign-in form) and the
// tokens, kept in sessionStorage (gone when the tab closes; never in localStorage).

export interface Session {
  county: string;
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
}

const KEY = "yishi.console.session";
const COUNTY_KEY = "yishi.console.county";

export function loadSession(): Session | null {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as Session;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
  sessionStorage.setItem(COUNTY_KEY, session.county);
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}

/** The county to sign in to: ?county=<slug> in the URL, else the last one chosen in this tab. */
export function chosenCounty(): string {
  const fromUrl = new URLSearchParams(location.search).get("county");
  return (fromUrl || sessionStorage.getItem(COUNTY_KEY) || "").trim();
}

/** Seconds until the access token stops working (negative: already expired). */
export function secondsLeft(session: Session): number {
  return (new Date(session.accessTokenExpiresAt).getTime() - Date.now()) / 1000;
}
