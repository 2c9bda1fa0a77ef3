"use strict";
/* The MCP Apps bridge (JSON-RPC 2.0 over postMessage with the host) and the views the three apps share.
   Every value from a tool result is put in the page as text (textContent), never as markup. */
const bridge = (() => {
  let next = 1;
  const pending = new Map(), handlers = new Map();
  window.addEventListener("message", (event) => {
    if (event.source !== window.parent) return;
    const msg = event.data;
    if (!msg || msg.jsonrpc !== "2.0") return;
    if (msg.id !== undefined && pending.has(msg.id)) {
      const { resolve, reject } = pending.get(msg.id);
      pending.delete(msg.id);
      msg.error ? reject(new Error(msg.error.message || "error")) : resolve(msg.result);
    } else if (msg.method && handlers.has(msg.method)) {
      handlers.get(msg.method)(msg.params || {});
    }
  });
  const request = (method, params) => new Promise((resolve, reject) => {
    const id = next++;
    pending.set(id, { resolve, reject });
    window.parent.postMessage({ jsonrpc: "2.0", id, method, params }, "*");
  });
  const notify = (method, params) => window.parent.postMessage({ jsonrpc: "2.0", method, params }, "*");
  return { request, notify, on: (method, fn) => handlers.set(method, fn) };
})();

function applyContext(ctx) {
  if (!ctx) return;
  if (ctx.theme) document.documentElement.dataset.theme = ctx.theme;
  const vars = ctx.styles && ctx.styles.variables;
  if (vars) for (const [k, v] of Object.entries(vars)) if (v) document.documentElement.style.setProperty(k, v);
}

async function start(name, onResult) {
  bridge.on("ui/notifications/tool-result", onResult);
  bridge.on("ui/notifications/host-context-changed", applyContext);
  const init = await bridge.request("ui/initialize", {
    appCapabilities: {}, appInfo: { name, version: "1" }, protocolVersion: "2026-01-26",
  });
  applyContext(init && init.hostContext);
  bridge.notify("ui/notifications/initialized", {});
  new ResizeObserver(() => bridge.notify("ui/notifications/size-changed", {
    width: document.body.offsetWidth, height: document.body.offsetHeight,
  })).observe(document.body);
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "on") for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
    else if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}

async function callTool(name, args) {
  return bridge.request("tools/call", { name, arguments: args });
}

const CHANGE = /^Change (.+?): (.*) → (.*?)\.?$/;

/* A write preview: the first line says what changes, "Change f: a → b." lines are before → after rows,
   every other line (recipients, messages, notes) is listed as written. */
function previewView(preview) {
  const [head, ...lines] = (preview || "").split("\n");
  const rows = [], rest = [];
  for (const line of lines) {
    const m = CHANGE.exec(line);
    if (m) rows.push(el("tr", {}, el("td", {}, m[1]), el("td", {}, el("span", { class: "before" }, m[2]),
      el("span", { class: "arrow" }, " → "), el("span", { class: "after" }, m[3]))));
    else if (line.trim()) rest.push(el("li", {}, line.trim()));
  }
  return el("div", {}, el("h1", { "data-role": "head" }, head),
    rows.length ? el("table", { "data-role": "changes" }, el("tr", {}, el("th", {}, "field"), el("th", {}, "before → after")), rows) : null,
    rest.length ? el("ul", { "data-role": "details" }, rest) : null);
}

function statusView(data, isError) {
  const ok = !isError && data && data.status === "executed";
  return el("div", { class: `status ${ok ? "ok" : data && data.status === "running" ? "" : "bad"}`, "data-outcome": isError ? "error" : (data && data.status) || "" },
    isError ? "" : el("strong", {}, (data.status || "").replace(/_/g, " ") + (data.replayed ? " (replayed)" : "") + ": "),
    isError ? "Refused" : data.message);
}

function errorText(result) {
  return (result.content || []).map((c) => c.text || "").join("\n").replace(/^\[provider data[^\n]*\n/, "");
}

/* Any write result: an approval card while it needs one, then its outcome (with the per-email report). */
function showResult(root, result) {
  root.replaceChildren();
  const data = result.structuredContent || {};
  const sealed = result._meta && result._meta["betaops/approval"];
  if (result.isError) {
    root.append(el("div", { class: "status bad", "data-outcome": "error" }, errorText(result)));
    return;
  }
  if (data.status === "confirmation_required" && sealed) {
    const buttons = [];
    const answer = async (approve) => {
      buttons.forEach((b) => (b.disabled = true));
      const reply = await callTool("betaops_approve", { approval: sealed, approve });
      showResult(root, reply);
    };
    buttons.push(el("button", { class: "primary", "data-action": "approve", on: { click: () => answer(true) } }, "Approve"));
    buttons.push(el("button", { "data-action": "decline", on: { click: () => answer(false) } }, "Decline"));
    root.append(el("div", { class: "box", "data-role": "card" }, previewView(data.preview),
      el("p", { class: "muted" }, "Nothing changes until you approve. Your click is the approval."),
      el("div", { class: "actions" }, buttons)));
    return;
  }
  // A preview shown again after the fact is one that was not run (e.g. the target changed since).
  if (data.preview && data.status === "not_executed") root.append(el("div", { class: "box" }, previewView(data.preview)));
  root.append(statusView(data, false));
  if (data.result && Array.isArray(data.result.targets)) root.append(reportView(data.result.targets));
  if (data.status === "running" && data.job_id) followJob(root, data.job_id);
}

function tone(outcome) {
  return /fail|invalid|error|refus/.test(outcome) ? "bad" : /already|skip|unchanged|exists/.test(outcome) ? "warn" : "ok";
}

/* Per target: counts by outcome, then the emails behind each outcome, and each failure's reason. */
function reportView(targets) {
  return el("div", { "data-role": "report" }, targets.map((t) => el("div", { class: "box", style: "margin-top:10px" },
    el("h1", {}, t.target),
    el("div", {}, Object.entries(t.counts || {}).map(([k, n]) => el("span", { class: `chip ${tone(k)}` }, `${k}: ${n}`))),
    el("table", {}, Object.entries(t.emails || {}).map(([k, emails]) =>
      el("tr", {}, el("td", {}, el("span", { class: `chip ${tone(k)}` }, k)), el("td", {}, emails.join(", "))))),
    (t.failures || []).length ? el("ul", {}, t.failures.map((f) => el("li", {}, `${f.email}: ${f.detail}`))) : null,
    t.note ? el("p", { class: "muted" }, t.note) : null)));
}

/* A bulk job, as it runs: progress, the latest per-item outcomes, then its final result. */
function jobView(view) {
  const counts = view.counts || {};
  const done = (counts.done || 0) + (counts.failed || 0);
  const pct = view.total ? Math.min(100, Math.round((100 * done) / view.total)) : 0;
  const result = view.result || {};
  return el("div", { "data-role": "job", "data-state": view.state },
    el("h1", {}, `Job ${view.job_id}: ${view.state}`),
    el("div", { class: "bar" }, el("div", { style: `width:${pct}%` })),
    el("div", {}, Object.entries(counts).map(([k, n]) => el("span", { class: `chip ${tone(k)}` }, `${k}: ${n}`)),
      el("span", { class: "muted" }, ` of ${view.total}`)),
    (view.items || []).length ? el("table", {}, el("tr", {}, el("th", {}, "outcome"), el("th", {}, "item"), el("th", {}, "detail")),
      view.items.slice(-15).map((i) => el("tr", {}, el("td", {}, el("span", { class: `chip ${tone(i.state)}` }, i.state)),
        el("td", {}, i.item || ""), el("td", {}, i.detail || "")))) : null,
    result.message ? statusView(result, false) : null,
    result.result && Array.isArray(result.result.targets) ? reportView(result.result.targets) : null,
    view.note ? el("p", { class: "muted" }, view.note) : null);
}

async function followJob(root, jobId) {
  const slot = el("div", {});
  root.append(slot);
  for (;;) {
    const reply = await callTool("betaops_job_status", { job_id: jobId });
    if (reply.isError) { slot.replaceChildren(el("div", { class: "status bad" }, errorText(reply))); return; }
    slot.replaceChildren(jobView(reply.structuredContent || {}));
    if ((reply.structuredContent || {}).state !== "running") return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
