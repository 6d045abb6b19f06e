// The key-value console: plain JavaScript, no libraries, nothing fetched but this node's and the
// members' own HTTP APIs.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { session: 0, members: [], leader: null, metrics: null, watch: null };
const POINTS = 60;
const commits = [];
const latencies = [];

// ---- cluster -----------------------------------------------------------------------------------

async function refreshCluster() {
  try {
    const reply = await fetch("/cluster", { cache: "no-store" });
    const body = await reply.json();
    state.members = body.members;
    renderCluster(body);
  } catch (e) {
    $("summary").textContent = "this node does not answer: " + e.message;
  }
}

function renderCluster(body) {
  const rows = [];
  let leader = null;
  let cluster = "";
  for (const m of body.members) {
    const s = m.status;
    if (s && s.is_leader) leader = m.id;
    if (s && !cluster) cluster = s.cluster;
    rows.push(memberRow(m, s));
  }
  state.leader = leader;
  const tbody = $("cluster-table").querySelector("tbody");
  tbody.replaceChildren(...rows);
  const own = body.members.find((m) => m.id === body.node);
  const epoch = own && own.status && own.status.epoch !== undefined
    ? " \u00b7 membership epoch " + own.status.epoch + " from slot " + own.status.epoch_first_slot
    : "";
  $("summary").textContent =
    "cluster " + cluster + " \u00b7 this page is served by node " + body.node +
    " \u00b7 " + (leader !== null ? "leader: node " + leader : "no leader known") + epoch;
  $("summary").dataset.leader = leader === null ? "" : String(leader);
  fillNodeChoice(body.members);
}

function memberRow(m, s) {
  const tr = document.createElement("tr");
  tr.dataset.node = m.id;
  const cells = s
    ? [m.id, s.roles.join(", "), s.is_leader ? "\u2605 leads" : (s.leader ? "follows " + s.leader.id : "-"),
       s.ballot ? s.ballot.round + "." + s.ballot.node : "-", s.commit_slot, s.applied_slot,
       s.state_hash ? s.state_hash.slice(0, 12) + "@" + s.state_hash_slot : "-",
       bytes(s.log_bytes), s.failure ? "stopped: " + s.failure : "serving"]
    : [m.id, "", "", "", "", "", "", "", "unreachable"];
  cells.forEach((text, i) => {
    const td = document.createElement("td");
    td.textContent = text;
    if (i === cells.length - 1) td.className = s && !s.failure ? "state-serving" : "state-down";
    tr.appendChild(td);
  });
  if (s && s.is_leader) tr.classList.add("leader");
  tr.dataset.state = s ? (s.failure ? "stopped" : "serving") : "unreachable";
  return tr;
}

function fillNodeChoice(members) {
  const select = $("read-node");
  const chosen = select.value;
  const options = members.filter((m) => m.http).map((m) => {
    const o = document.createElement("option");
    o.value = m.http;
    o.textContent = "node " + m.id + " (" + m.http + ")" + (m.reachable ? "" : " unreachable");
    return o;
  });
  const same = options.length === select.options.length &&
    options.every((o, i) => o.value === select.options[i].value && o.textContent === select.options[i].textContent);
  if (!same) {
    select.replaceChildren(...options);
    if (chosen) select.value = chosen;
  }
}

function bytes(n) {
  if (n === undefined || n === null) return "-";
  if (n < 1024) return n + " B";
  if (n < 1 << 20) return (n / 1024).toFixed(1) + " KiB";
  if (n < 1 << 30) return (n / (1 << 20)).toFixed(1) + " MiB";
  return (n / (1 << 30)).toFixed(1) + " GiB";
}

// ---- charts from this node's /metrics --------------------------------------------------------

function metricValue(text, name) {
  let total = 0;
  let found = false;
  for (const line of text.split("\n")) {
    if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
      const v = parseFloat(line.slice(line.lastIndexOf(" ") + 1));
      if (!isNaN(v)) { total += v; found = true; }
    }
  }
  return found ? total : null;
}

// One refresh at a time: an answer slower than the interval must not overlap the next request,
// or two samples a few milliseconds apart would make a rate out of nothing.
function serially(refresh) {
  let busy = false;
  return async () => {
    if (busy) return;
    busy = true;
    try { await refresh(); } finally { busy = false; }
  };
}

async function refreshMetrics() {
  // The leader's figures: every learner counts the same commits, but only the leader times them.
  const leader = state.members.find((m) => m.id === state.leader && m.http);
  const source = leader ? leader.id : null;
  if (state.metrics && state.metrics.source !== source) state.metrics = null; // a new leader
  $("charts-title").textContent = leader ? "Leader (node " + leader.id + ")" : "This node";
  try {
    const url = leader ? "http://" + leader.http + "/metrics" : "/metrics";
    const text = await (await fetch(url, { cache: "no-store" })).text();
    const now = performance.now();
    const m = {
      source,
      at: now,
      commits: metricValue(text, "paxos_commits_total"),
      latencySum: metricValue(text, "paxos_commit_latency_seconds_sum"),
      latencyCount: metricValue(text, "paxos_commit_latency_seconds_count"),
    };
    const before = state.metrics;
    state.metrics = m;
    const seconds = before ? (m.at - before.at) / 1000 : 0;
    if (seconds < 0.5) {
      if (before) state.metrics = before; // too close to the last sample: keep that one
    } else if (m.commits !== null && before.commits !== null) {
      push(commits, Math.max(0, (m.commits - before.commits) / seconds));
      const n = m.latencyCount - before.latencyCount;
      push(latencies, n > 0 ? (1000 * (m.latencySum - before.latencySum)) / n : null);
      draw($("commits-chart"), commits, "#2f6fde");
      draw($("latency-chart"), latencies, "#c2762f");
      $("commits-now").textContent = "(" + Math.round(commits[commits.length - 1]) + ")";
      const last = latencies[latencies.length - 1];
      $("latency-now").textContent = last === null ? "(none in the last second)" : "(" + last.toFixed(1) + ")";
    }
  } catch (e) {
    // the node is gone; the cluster table says so
  }
}

function push(series, value) {
  series.push(value);
  while (series.length > POINTS) series.shift();
}

function draw(canvas, series, color) {
  const g = canvas.getContext("2d");
  const w = canvas.width;
  const h = canvas.height;
  g.clearRect(0, 0, w, h);
  const values = series.filter((v) => v !== null);
  const max = Math.max(1, ...values) * 1.15;
  g.strokeStyle = "#e6e9ef";
  g.fillStyle = "#6b7385";
  g.font = "10px sans-serif";
  for (let i = 0; i <= 2; i++) {
    const y = h - 4 - ((h - 16) * i) / 2;
    g.beginPath(); g.moveTo(30, y); g.lineTo(w, y); g.stroke();
    g.fillText(formatTick((max * i) / 2), 2, y + 3);
  }
  g.strokeStyle = color;
  g.lineWidth = 2;
  g.beginPath();
  let pen = false;
  series.forEach((v, i) => {
    if (v === null) { pen = false; return; }
    const x = 30 + ((w - 32) * i) / (POINTS - 1);
    const y = h - 4 - ((h - 16) * v) / max;
    if (pen) g.lineTo(x, y); else g.moveTo(x, y);
    pen = true;
  });
  g.stroke();
}

function formatTick(v) {
  return v >= 1000 ? (v / 1000).toFixed(1) + "k" : v.toFixed(v < 10 ? 1 : 0);
}

// ---- requests --------------------------------------------------------------------------------

function noteSession(reply) {
  const token = Number(reply.headers.get("Paxos-Session"));
  if (token > state.session) {
    state.session = token;
    $("session-token").textContent = String(token);
  }
}

async function call(url, options, out) {
  out.classList.remove("error");
  out.textContent = "\u2026";
  try {
    const reply = await fetch(url, options);
    noteSession(reply);
    const text = await reply.text();
    let shown = text;
    try { shown = JSON.stringify(JSON.parse(text), null, 1); } catch (e) { /* not JSON */ }
    out.textContent = reply.status + " " + shown;
    if (!reply.ok) out.classList.add("error");
    out.dataset.status = String(reply.status);
    return reply.ok ? JSON.parse(text) : null;
  } catch (e) {
    out.textContent = "no answer: " + e.message;
    out.classList.add("error");
    out.dataset.status = "0";
    return null;
  }
}

const kvPath = (key) => "/kv/" + encodeURIComponent(key);

$("write-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  call(kvPath($("write-key").value), { method: "PUT", body: $("write-value").value }, $("write-result"));
});

$("delete-button").addEventListener("click", () => {
  if (!$("write-key").reportValidity()) return;
  call(kvPath($("write-key").value), { method: "DELETE" }, $("write-result"));
});

$("read-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const consistency = $("read-consistency").value;
  const base = $("read-node").value ? "http://" + $("read-node").value : "";
  const headers = {};
  if (consistency === "session" && state.session > 0) headers["Paxos-Session"] = String(state.session);
  call(base + kvPath($("read-key").value) + "?consistency=" + consistency, { headers }, $("read-result"));
});

$("browse-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const out = $("browse-more");
  const prefix = $("browse-prefix").value;
  try {
    const reply = await fetch("/kv?limit=50&prefix=" + encodeURIComponent(prefix));
    noteSession(reply);
    const body = await reply.json();
    if (!reply.ok) { out.textContent = body.error; return; }
    const rows = body.entries.map((e) => {
      const tr = document.createElement("tr");
      for (const text of [e.key, e.value !== undefined ? e.value : "base64:" + e.value_base64]) {
        const td = document.createElement("td");
        td.textContent = text;
        tr.appendChild(td);
      }
      return tr;
    });
    $("browse-table").querySelector("tbody").replaceChildren(...rows);
    out.textContent = rows.length + " keys" + (body.more ? ", more after the last one" : "");
  } catch (e) {
    out.textContent = "no answer: " + e.message;
  }
});

// ---- watch (server-sent events from POST /subscribe) -------------------------------------------

$("watch-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const patterns = $("watch-patterns").value.split(/[\s,]+/).filter((p) => p);
  startWatch(patterns);
});

$("unwatch-button").addEventListener("click", () => stopWatch());

async function startWatch(patterns) {
  await stopWatch();
  const abort = new AbortController();
  const watch = { abort, id: null };
  state.watch = watch;
  $("watch-feed").replaceChildren();
  $("unwatch-button").disabled = false;
  $("watch-state").textContent = "subscribing to " + patterns.join(" ") + "\u2026";
  try {
    const reply = await fetch("/subscribe", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify({ patterns }),
      signal: abort.signal,
    });
    if (!reply.ok || !reply.body) {
      $("watch-state").textContent = "refused: " + reply.status + " " + (await reply.text());
      return;
    }
    $("watch-state").textContent = "watching " + patterns.join(" ");
    const reader = reply.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        onEvent(watch, buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
    $("watch-state").textContent = "the watch ended";
  } catch (e) {
    if (!abort.signal.aborted) $("watch-state").textContent = "the watch broke: " + e.message;
  }
}

function onEvent(watch, block) {
  let name = "message";
  let data = "";
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) name = line.slice(6).trim();
    else if (line.startsWith("data:")) data += line.slice(5).trim();
  }
  if (!data) return;
  let e;
  try { e = JSON.parse(data); } catch (err) { e = { raw: data }; }
  if (e.subscription_id && watch.id === null) {
    watch.id = e.subscription_id;
    $("watch-state").textContent += " (subscription " + watch.id + ")";
    if (name !== "change" && e.key === undefined) return;
  }
  if (e.key === undefined) return;
  const li = document.createElement("li");
  const what = e.deleted ? "deleted" : "= " + (e.value !== undefined ? e.value : "base64:" + e.value_base64);
  li.textContent = "slot " + e.slot + "  " + e.key + " " + what;
  li.dataset.key = e.key;
  const feed = $("watch-feed");
  feed.appendChild(li);
  while (feed.children.length > 200) feed.removeChild(feed.firstChild);
  feed.scrollTop = feed.scrollHeight;
}

async function stopWatch() {
  const watch = state.watch;
  state.watch = null;
  $("unwatch-button").disabled = true;
  if (!watch) return;
  if (watch.id !== null) {
    try {
      await fetch("/unsubscribe", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ subscription_id: watch.id }),
      });
    } catch (e) { /* the stream is cut below anyway */ }
  }
  watch.abort.abort();
  $("watch-state").textContent = "stopped";
}

// ---- start -------------------------------------------------------------------------------------

const clusterTick = serially(refreshCluster);
const metricsTick = serially(refreshMetrics);
clusterTick();
metricsTick();
setInterval(clusterTick, 1000);
setInterval(metricsTick, 1000);
