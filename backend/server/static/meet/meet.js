// The meeting page /meet/<meeting global id>: sign in, join the 云视频 room with camera and
// microphone or watch, and take part (vote, comment, raise a hand) through the GraphQL API;
// live updates come from the `events` subscription of the meeting's and the room's streams.
"use strict";
const $ = (s) => document.querySelector(s);
const MEETING = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop());
const params = new URLSearchParams(location.search);
const state = {
  county: params.get("county") || localStorage.getItem("yishi.county") || "",
  token: sessionStorage.getItem("yishi.token"),
  me: null, meeting: null, room: null, pc: null, publishing: false, local: null,
  slots: new Map(), socket: null, timer: null, negotiating: Promise.resolve(),
};
window.yishiMeet = state; // for tests and debugging

async function gql(query, variables = {}) {
  const headers = { "content-type": "application/json" };
  if (state.token) headers.authorization = "Bearer " + state.token;
  if (state.county) headers["x-tenant"] = state.county;
  const r = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = await r.json();
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join("；"));
  return body.data;
}
function payloadOf(data) { const p = Object.values(data)[0]; if (p.errors && p.errors.length) throw new Error(p.errors.map((e) => e.message).join("；")); return p; }
function showError(e, where = "#action-error") { $(where).textContent = e ? (e.message || String(e)) : ""; }
function el(tag, text, cls) { const e = document.createElement(tag); if (text != null) e.textContent = text; if (cls) e.className = cls; return e; }

const ROOM_FIELDS = "id stream participantLimit participants { userId name publishing }";
const MEETING_QUERY = `query($m: ID!) { viewer { user { id displayName } } node(id: $m) { ... on Meeting { id title state stream
  polls { id question options state counts totalVotes maxChoices kind }
  speakingQueue { id userId state topic }
  agenda { id title speakerName timer { status deadline remainingSeconds durationSeconds } }
  comments(first: 50) { edges { node { id body kind hidden createdAt } } } } }
  videoRoom(meetingId: $m) { ${ROOM_FIELDS} } }`;

// -- sign in ------------------------------------------------------------------------------
$("#signin-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  state.county = $("#county").value.trim();
  try {
    const p = payloadOf(await gql(`mutation($i: LoginInput!) { login(input: $i) { tokens { accessToken } errors { field code message } } }`,
      { i: { phone: $("#phone").value.trim(), password: $("#password").value } }));
    state.token = p.tokens.accessToken;
    sessionStorage.setItem("yishi.token", state.token);
    localStorage.setItem("yishi.county", state.county);
    await start();
  } catch (e) { showError(e, "#signin-error"); }
});

// -- the meeting ----------------------------------------------------------------------------
async function load() {
  const d = await gql(MEETING_QUERY, { m: MEETING });
  state.me = d.viewer.user; state.meeting = d.node; state.room = d.videoRoom;
  if (!state.meeting) throw new Error("会议不存在或无权查看");
  $("#title").textContent = state.meeting.title;
  $("#state").textContent = { DRAFT: "筹备中", ANNOUNCED: "已发布", LIVE: "进行中", CLOSED: "已结束", RECORD_PUBLISHED: "记录已公开" }[state.meeting.state] || state.meeting.state;
  renderPolls(); renderQueue(); renderTimer(); renderRoom();
  $("#comments").replaceChildren(...state.meeting.comments.edges.map((e) => commentItem(e.node.body, e.node.kind)));
}
function commentItem(body, kind) { return el("li", (kind === "QUESTION" ? "【提问】" : "") + (body ?? "（已屏蔽）")); }
function renderPolls() {
  const box = $("#polls"); box.replaceChildren();
  const polls = state.meeting.polls.filter((p) => p.state !== "DRAFT");
  if (!polls.length) box.append(el("p", "暂无表决", "muted"));
  for (const p of polls) {
    const div = el("div", null, "poll"); div.dataset.poll = p.id;
    div.append(el("strong", p.question + (p.state === "OPEN" ? "（表决中）" : "（已结束）")));
    p.options.forEach((o, i) => {
      const row = el("div", null, "option");
      const b = el("button", o, "secondary"); b.disabled = p.state !== "OPEN";
      b.dataset.choice = i;
      b.onclick = () => vote(p.id, i);
      const bar = el("div", null, "bar"); const fill = el("span");
      fill.style.width = (p.totalVotes ? (100 * p.counts[i]) / p.totalVotes : 0) + "%";
      bar.append(fill);
      row.append(b, bar, el("span", String(p.counts[i]), "count"));
      div.append(row);
    });
    div.append(el("p", `共 ${p.totalVotes} 票`, "muted tally"));
    box.append(div);
  }
}
function renderQueue() {
  const names = new Map((state.room?.participants || []).map((p) => [p.userId, p.name]));
  $("#queue").replaceChildren(...state.meeting.speakingQueue.filter((q) => q.state === "WAITING" || q.state === "SPEAKING")
    .map((q) => el("li", `${names.get(q.userId) || "参会人"}${q.topic ? "：" + q.topic : ""}${q.state === "SPEAKING" ? "（发言中）" : ""}`)));
}
function renderTimer() {
  clearInterval(state.timer);
  const item = state.meeting.agenda.find((a) => a.timer.status === "RUNNING" || a.timer.status === "PAUSED");
  const show = () => {
    if (!item) { $("#timer").textContent = "—"; return; }
    const left = item.timer.status === "RUNNING" ? Math.max(0, (Date.parse(item.timer.deadline) - Date.now()) / 1000) : item.timer.remainingSeconds;
    const s = Math.round(left);
    $("#timer").textContent = `${item.title}${item.speakerName ? "（" + item.speakerName + "）" : ""} ${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
  };
  show();
  if (item && item.timer.status === "RUNNING") state.timer = setInterval(show, 500);
}
function renderRoom() {
  const room = state.room;
  $("#room-card").hidden = false;
  const off = !room || state.meeting.state !== "LIVE";
  $("#join-publish").disabled = $("#join-watch").disabled = off;
  if (!room) { $("#room-status").textContent = "本会议未开通云视频会议室"; return; }
  $("#participant-count").textContent = `${room.participants.length}/${room.participantLimit}`;
  $("#participants").replaceChildren(...room.participants.map((p) => el("li", `${p.name || "参会人"}${p.publishing ? " 🎥" : "（观看）"}`)));
  for (const [mid, slot] of state.slots) {
    const fig = document.getElementById("v-" + mid);
    if (fig) fig.querySelector("figcaption").textContent = room.participants.find((p) => p.userId === slot.userId)?.name || "参会人";
  }
}

// -- actions ------------------------------------------------------------------------------
async function vote(pollId, choice) {
  try {
    payloadOf(await gql(`mutation($p: ID!, $c: [Int!]!, $k: String!) { castVote(pollId: $p, choices: $c, idempotencyKey: $k) { accepted errors { field code message } } }`,
      { p: pollId, c: [choice], k: crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now() }));
    showError(null);
  } catch (e) { showError(e); }
}
$("#comment-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    payloadOf(await gql(`mutation($m: ID!, $b: String!) { postComment(meetingId: $m, body: $b) { comment { id } errors { field code message } } }`,
      { m: MEETING, b: $("#comment-body").value }));
    $("#comment-body").value = ""; showError(null);
  } catch (e) { showError(e); }
});
$("#raise-hand").addEventListener("click", async () => {
  try { payloadOf(await gql(`mutation($m: ID!) { raiseHand(meetingId: $m) { requestId errors { field code message } } }`, { m: MEETING })); showError(null); }
  catch (e) { showError(e); }
});

// -- the video room (WebRTC signalled through GraphQL) --------------------------------------
function otherPublishers() { return (state.room?.participants || []).filter((p) => p.publishing && p.userId !== state.me?.id).length; }
function receivingSlots() { return state.pc.getTransceivers().filter((t) => t.direction === "recvonly").length / 2; }
function addSlots(n) { for (let i = 0; i < n; i++) { state.pc.addTransceiver("video", { direction: "recvonly" }); state.pc.addTransceiver("audio", { direction: "recvonly" }); } }
async function offer() {
  await state.pc.setLocalDescription(await state.pc.createOffer());
  if (state.pc.iceGatheringState !== "complete") {
    await new Promise((resolve) => {
      const done = () => { if (state.pc.iceGatheringState === "complete") { state.pc.removeEventListener("icegatheringstatechange", done); resolve(); } };
      state.pc.addEventListener("icegatheringstatechange", done);
      setTimeout(resolve, 3000); // candidates gathered so far are enough on an intranet
    });
  }
  return state.pc.localDescription.sdp;
}
async function applyAnswer(p) {
  for (const s of p.slots) state.slots.set(s.mid, s);
  state.room = p.room; state.publishing = p.publishing;
  await state.pc.setRemoteDescription({ type: "answer", sdp: p.sdpAnswer });
  renderRoom(); renderQueue();
}
async function join(publish) {
  showError(null);
  try {
    if (publish) {
      state.local = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360 }, audio: true });
      $("#self").srcObject = state.local; $("#self-figure").hidden = false;
    }
    // max-bundle: one transport for everything (the media server answers it best)
    state.pc = new RTCPeerConnection({ iceServers: [], bundlePolicy: "max-bundle" });
    if (state.local) for (const track of state.local.getTracks()) state.pc.addTransceiver(track, { direction: "sendonly", streams: [state.local] });
    addSlots(Math.max(1, otherPublishers()));
    state.channel = state.pc.createDataChannel("meeting");
    state.pc.ontrack = (ev) => attach(ev);
    const roomId = state.room.id;
    const p = payloadOf(await gql(`mutation($r: ID!, $sdp: String!) { joinVideoRoom(roomId: $r, sdpOffer: $sdp) { room { ${ROOM_FIELDS} } sdpAnswer slots { mid userId kind } publishing errors { field code message } } }`,
      { r: roomId, sdp: await offer() }));
    await applyAnswer(p);
    $("#join-publish").hidden = $("#join-watch").hidden = true; $("#leave").hidden = false;
    $("#room-status").textContent = state.publishing ? "您正在发言（摄像头和麦克风已开启）" : "您正在观看";
  } catch (e) { showError(e); state.pc?.close(); state.pc = null; }
}
function attach(ev) {
  const mid = ev.transceiver.mid;
  if (ev.track.kind !== "video") {
    const a = document.getElementById("a-" + mid) || document.body.appendChild(Object.assign(el("audio"), { id: "a-" + mid, autoplay: true }));
    a.srcObject = new MediaStream([ev.track]);
    return;
  }
  let fig = document.getElementById("v-" + mid);
  if (!fig) {
    fig = el("figure"); fig.id = "v-" + mid;
    const v = el("video"); v.autoplay = true; v.playsInline = true; v.muted = true;
    fig.append(v, el("figcaption", "参会人")); $("#videos").append(fig);
  }
  fig.querySelector("video").srcObject = new MediaStream([ev.track]);
  renderRoom();
}
function renegotiate() {
  state.negotiating = state.negotiating.then(async () => {
    if (!state.pc) return;
    const missing = otherPublishers() - receivingSlots();
    if (missing <= 0) return;
    addSlots(missing);
    const p = payloadOf(await gql(`mutation($r: ID!, $sdp: String!) { renegotiateVideo(roomId: $r, sdpOffer: $sdp) { room { ${ROOM_FIELDS} } sdpAnswer slots { mid userId kind } publishing errors { field code message } } }`,
      { r: state.room.id, sdp: await offer() }));
    await applyAnswer(p);
  }).catch((e) => showError(e));
}
$("#join-publish").onclick = () => join(true);
$("#join-watch").onclick = () => join(false);
$("#leave").onclick = async () => {
  try { payloadOf(await gql(`mutation($r: ID!) { leaveVideoRoom(roomId: $r) { room { ${ROOM_FIELDS} } errors { field code message } } }`, { r: state.room.id })); } catch (e) { showError(e); }
  state.pc?.close(); state.pc = null; state.local?.getTracks().forEach((t) => t.stop()); state.local = null;
  document.querySelectorAll("[id^=v-],[id^=a-]").forEach((n) => n.remove()); $("#self-figure").hidden = true;
  $("#join-publish").hidden = $("#join-watch").hidden = false; $("#leave").hidden = true; $("#room-status").textContent = "";
};

// -- live updates ---------------------------------------------------------------------------
const EVENTS = `subscription($s: String!) { events(stream: $s) { seq type payload } }`;
let reloading = null;
function reloadSoon() { if (!reloading) reloading = setTimeout(async () => { reloading = null; try { await load(); renegotiate(); } catch (e) { showError(e); } }, 150); }
async function live() {
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/graphql";
  state.socket = new GraphQLSocket(url, state.token);
  await state.socket.subscribe(EVENTS, { s: state.meeting.stream }, (r) => {
    const e = r.data?.events; if (!e) return;
    if (e.type === "comment.posted") $("#comments").append(commentItem(e.payload.body, e.payload.kind));
    else reloadSoon(); // tallies, polls, the queue, timers: read them again
  });
  if (state.room) await state.socket.subscribe(EVENTS, { s: state.room.stream }, () => reloadSoon());
}

async function start() {
  $("#signin").hidden = true; $("#meeting").hidden = false;
  try { await load(); await live(); } catch (e) { showError(e); }
}
if (state.token) start(); else { $("#signin").hidden = false; $("#county").value = state.county; }
