// The console's connection to the service: urql for queries and mutations over HTTP
// (X-Tenant and Authorization on every request, the access token refreshed before it
// expires) and graphql-ws for live views over /graphql (graphql-transport-ws; the token
// and the county in connection_init, docs/realtime.md). The socket's state drives the
// reconnect banner; live views resume with `after` (the last seq seen).
import { Client, fetchExchange, stringifyDocument, type AnyVariables, type OperationResult } from "@urql/core";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { createClient as createSocket, type Client as SocketClient } from "graphql-ws";
import { graphql } from "./gql";
import { clearSession, loadSession, saveSession, secondsLeft, type Session } from "./session";

const REFRESH = graphql(`
  mutation RefreshToken($refreshToken: String!) {
    refreshToken(refreshToken: $refreshToken) {
      tokens { accessToken accessTokenExpiresAt refreshToken }
      errors { field code message }
    }
  }
`);

const LOGOUT = graphql(`
  mutation ConsoleLogout($refreshToken: String!) {
    logout(refreshToken: $refreshToken) { errors { field code message } }
  }
`);

/** Sign out: the refresh token is revoked (best effort: the session ends here whatever
 * the answer), the socket closed and the session forgotten. */
export async function signOut(): Promise<void> {
  const session = loadSession();
  closeSocket();
  clearSession();
  if (session) {
    await post(session.county, session.accessToken, stringifyDocument(LOGOUT), {
      refreshToken: session.refreshToken,
    }).catch(() => {});
  }
}

/** Raised when the session cannot be kept (refused refresh, another county's token). */
export class SignedOut extends Error {}

let refreshing: Promise<Session> | null = null;
let mustRefresh = false;
let onSignedOut: () => void = () => {};

export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

async function post(county: string, token: string | null, query: string, variables: object): Promise<any> {
  const headers: Record<string, string> = { "Content-Type": "application/json", "X-Tenant": county };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  return response.json();
}

async function refresh(session: Session): Promise<Session> {
  const body = await post(session.county, null, stringifyDocument(REFRESH), { refreshToken: session.refreshToken });
  const tokens = body?.data?.refreshToken?.tokens;
  if (!tokens) {
    clearSession();
    onSignedOut();
    throw new SignedOut("登录已失效，请重新登录");
  }
  const next = { county: session.county, ...tokens } as Session;
  saveSession(next);
  return next;
}

/** The session with an access token good for at least another minute (refreshed once,
 * however many requests ask at the same moment: a refresh token is single-use). */
export async function freshSession(): Promise<Session> {
  const session = loadSession();
  if (!session) throw new SignedOut("未登录");
  if (!mustRefresh && secondsLeft(session) > 60) return session;
  refreshing ??= refresh(session).finally(() => {
    refreshing = null;
    mustRefresh = false;
  });
  return refreshing;
}

/** The county of the sign-in form before a session exists. */
let signInCounty = "";
export function setSignInCounty(county: string): void {
  signInCounty = county;
}

async function consoleFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const headers = new Headers(init?.headers);
  const session = loadSession();
  if (session) {
    const fresh = await freshSession();
    headers.set("X-Tenant", fresh.county);
    headers.set("Authorization", `Bearer ${fresh.accessToken}`);
  } else {
    headers.set("X-Tenant", signInCounty);
  }
  return fetch(input, { ...init, headers });
}

export const client = new Client({
  url: "/graphql",
  exchanges: [fetchExchange],
  fetch: consoleFetch,
  preferGetMethod: false,
  requestPolicy: "network-only",
});

/** A query's data, or an Error with the API's message (a top-level error: FORBIDDEN…). */
export async function query<D, V extends AnyVariables>(doc: TypedDocumentNode<D, V>, variables: V): Promise<D> {
  return unwrap(await client.query(doc, variables).toPromise());
}

export async function mutate<D, V extends AnyVariables>(doc: TypedDocumentNode<D, V>, variables: V): Promise<D> {
  return unwrap(await client.mutation(doc, variables).toPromise());
}

function unwrap<D>(result: OperationResult<D, any>): D {
  if (result.error) {
    const gqlError = result.error.graphQLErrors[0];
    if (gqlError?.extensions?.code === "UNAUTHENTICATED") {
      clearSession();
      onSignedOut();
    }
    throw new Error(gqlError?.message ?? "无法连接服务，请稍后重试");
  }
  if (!result.data) throw new Error("服务没有返回数据");
  return result.data;
}

// ---- the socket --------------------------------------------------------------------

type Listener = (online: boolean) => void;
const listeners = new Set<Listener>();
let socket: SocketClient | null = null;
let online = true;

/** Called with false when the socket is lost, true when it is back. */
export function onConnection(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function setOnline(value: boolean): void {
  if (value === online) return;
  online = value;
  for (const listener of listeners) listener(value);
}

function wsUrl(): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
}

function isClose(value: unknown): value is CloseEvent {
  return typeof value === "object" && value !== null && "code" in value && "reason" in value;
}

export function openSocket(): SocketClient {
  socket ??= createSocket({
    url: wsUrl(),
    lazy: false,
    keepAlive: 10_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** retries, 8000))),
    onNonLazyError: () => {},
    connectionParams: async () => {
      if (!loadSession() && signInCounty) return { tenant: signInCounty }; // watching anonymously
      const session = await freshSession();
      return { authorization: `Bearer ${session.accessToken}`, tenant: session.county };
    },
    on: {
      connected: () => setOnline(true),
      closed: (event) => {
        if (socket === null) return; // signed out
        if (isClose(event) && event.code === 4401) mustRefresh = true;
        if (isClose(event) && event.code === 4403) {
          clearSession();
          onSignedOut();
          return;
        }
        setOnline(false);
      },
    },
  });
  return socket;
}

export function closeSocket(): void {
  const s = socket;
  socket = null;
  setOnline(true);
  void s?.dispose();
}

/** A live view: every event of a subscription, each once, in order. It resumes after a
 * lost connection with `after` = the last seq seen (the same payload object is re-sent by
 * graphql-ws on reconnect, so updating its `after` is what makes it resume there), and
 * starts again after a refused socket (4401: a refreshed token). `repeats` names the
 * live-only events that carry the last recorded seq (meetingLive's tallies): delivered
 * as they come, they do not move `after`. Returns the stop. */
export function live<D, V extends { after?: number | null }>(
  doc: TypedDocumentNode<D, V>,
  variables: V,
  seqOf: (data: D) => number,
  onEvent: (data: D) => void,
  onError: (message: string) => void = () => {},
  repeats: (data: D) => boolean = () => false,
): () => void {
  const payload = { query: stringifyDocument(doc), variables: { ...variables } as Record<string, unknown> };
  let last = variables.after ?? 0;
  let stopped = false;
  let stop: (() => void) | null = null;
  const start = () => {
    if (stopped) return;
    stop = openSocket().subscribe<D>(payload, {
      next: (result) => {
        if (result.errors?.length) {
          onError(result.errors[0].message);
          return;
        }
        if (!result.data) return;
        const seq = seqOf(result.data as D);
        if (repeats(result.data as D)) {
          // a live-only update (a poll's tally) repeats the last seq: shown, never resumed from
          onEvent(result.data as D);
          return;
        }
        if (seq <= last) return; // replayed twice across a reconnect
        last = seq;
        payload.variables.after = seq;
        onEvent(result.data as D);
      },
      error: (error) => {
        if (stopped) return;
        if (Array.isArray(error)) {
          // refused by the API (FORBIDDEN, NOT_FOUND…): retrying will not help
          onError(error[0]?.message ?? "订阅失败");
          return;
        }
        if (isClose(error) && error.code === 4401) mustRefresh = true;
        setTimeout(start, 1000);
      },
      complete: () => {
        if (!stopped) setTimeout(start, 1000);
      },
    });
  };
  start();
  return () => {
    stopped = true;
    stop?.();
  };
}
