// A tiny graphql-transport-ws client (no dependencies, no build step): connection_init with
// the access token, subscribe/next/complete, ping → pong. One socket, many subscriptions.
"use strict";
class GraphQLSocket {
  constructor(url, token) {
    this.url = url;
    this.token = token;
    this.next = 1;
    this.handlers = new Map();
    this.ready = null;
  }
  open() {
    if (this.ready) return this.ready;
    this.ready = new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, "graphql-transport-ws");
      this.ws = ws;
      ws.onopen = () => {
        const payload = this.token ? { Authorization: "Bearer " + this.token } : {};
        ws.send(JSON.stringify({ type: "connection_init", payload }));
      };
      ws.onmessage = (e) => {
        const m = JSON.parse(e.data);
        if (m.type === "connection_ack") resolve(this);
        else if (m.type === "ping") ws.send(JSON.stringify({ type: "pong" }));
        else if (m.type === "next") this.handlers.get(m.id)?.next(m.payload);
        else if (m.type === "error") this.handlers.get(m.id)?.error(m.payload);
        else if (m.type === "complete") this.handlers.delete(m.id);
      };
      ws.onclose = (e) => {
        this.ready = null;
        reject(new Error("连接已关闭 " + e.code));
        for (const h of this.handlers.values()) h.error([{ message: "连接已断开" }]);
      };
    });
    return this.ready;
  }
  async subscribe(query, variables, next, error = (e) => console.warn(e)) {
    await this.open();
    const id = String(this.next++);
    this.handlers.set(id, { next, error });
    this.ws.send(JSON.stringify({ id, type: "subscribe", payload: { query, variables } }));
    return () => {
      this.handlers.delete(id);
      this.ws?.send(JSON.stringify({ id, type: "complete" }));
    };
  }
  close() { this.ws?.close(); }
}
window.GraphQLSocket = GraphQLSocket;
