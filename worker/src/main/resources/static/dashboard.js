// The clerk dashboard: renders /v1/dashboard and /v1/sites/{site}. Every value from the server is
// put in the page as text (textContent), never as HTML: site names and failure reasons come from
// file names and PDFs.
"use strict";

const STAGES = ["ocr", "compilation", "extraction", "deploy"];

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const c of cells) tr.appendChild(c instanceof Node ? c : el("td", c));
  return tr;
}

function link(href, text) {
  const a = el("a", text);
  a.href = href;
  a.target = "_blank";
  a.rel = "noopener";
  return a;
}

function cell(node) {
  const td = document.createElement("td");
  td.appendChild(node);
  return td;
}

function counters(c) {
  const text = c.completed + "/" + c.total + (c.failed ? " (" + c.failed + " failed)" : "");
  return el("td", text, c.failed ? "failed" : "");
}

function ago(iso) {
  const minutes = Math.round((Date.now() - Date.parse(iso)) / 60000);
  if (minutes < 1) return "just now";
  if (minutes < 120) return minutes + " min ago";
  return Math.round(minutes / 6) / 10 + " h ago";
}

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function fill(id, rows) {
  const table = document.getElementById(id);
  const body = table.tBodies[0] || table;
  body.replaceChildren(...rows);
}

async function showOverview() {
  const d = await getJson("/v1/dashboard");
  document.getElementById("generated").textContent = "as of " + new Date(d.generatedAt).toLocaleString();
  fill("by-stage", Object.entries(d.sitesByStage).map(([stage, n]) => row([stage, el("td", n, "num")])));
  document.getElementById("stuck-rule").textContent =
    "not completed, no progress for " + d.staleThresholdHours + " h";
  fill("stuck", d.stuckSites.length
    ? d.stuckSites.map(s => row([cell(siteLink(s.subdomain)), s.stage, el("td", s.hoursStuck + " h", "stuck")]))
    : [row([el("td", "none", "ok")])]);
  fill("failure-rates", STAGES.map(stage => {
    const r = d.failureRates[stage];
    return row([stage, el("td", (100 * r.rate).toFixed(1) + " %", r.failed ? "failed num" : "num"),
      el("td", r.failed + " of " + r.total, "muted")]);
  }));
  const rec = document.getElementById("reconciliation");
  rec.replaceChildren();
  if (d.lastReconciliation) {
    const r = d.lastReconciliation;
    for (const [k, v] of [["status", r.status], ["finished", new Date(r.finishedAt).toLocaleString()],
        ["trigger", r.trigger], ["examined", r.examined], ["repaired", r.repaired], ["signalled", r.signalled],
        ["restarted", r.restarted], ["all failed", r.allFailed], ["errors", r.errors.join("; ") || "none"]]) {
      rec.append(el("dt", k), el("dd", v, k === "status" && v !== "success" ? "failed" : ""));
    }
  } else {
    rec.append(el("dt", "status"), el("dd", "never run"));
  }
  fill("sites", d.sites.map(s => {
    const tr = row([cell(siteLink(s.subdomain)), s.stage, ...STAGES.map(st => counters(s.counters[st])),
      ago(s.updatedAt), cell(link(s.workflow, "open"))]);
    return tr;
  }));
  document.getElementById("overview").hidden = false;
  document.getElementById("site").hidden = true;
}

function siteLink(subdomain) {
  const a = el("a", subdomain);
  a.href = "#site=" + encodeURIComponent(subdomain);
  return a;
}

async function showSite(subdomain) {
  const s = await getJson("/v1/sites/" + encodeURIComponent(subdomain));
  document.getElementById("site-name").textContent = s.subdomain + (s.name ? " — " + s.name : "") + " (" + s.stage + ")";
  document.getElementById("site-workflow").href = s.workflow;
  fill("site-counters", STAGES.map(st => {
    const c = s.counters[st];
    return row([st, el("td", c.total, "num"), el("td", c.completed, "num"), el("td", c.failed, c.failed ? "failed num" : "num")]);
  }));
  document.getElementById("site-running").textContent = s.running
    ? "running: " + s.running.stage.toLowerCase() + ", " + s.running.inFlight.length + " documents in flight"
    : (s.note ? "note: " + s.note : "no pipeline running");
  fill("site-failed", s.failedDocuments.length
    ? s.failedDocuments.map(f => row([f.documentId, f.stage, el("td", f.error, "failed")]))
    : [row([el("td", "none", "ok")])]);
  document.getElementById("overview").hidden = true;
  document.getElementById("site").hidden = false;
}

async function render() {
  const error = document.getElementById("error");
  try {
    const match = location.hash.match(/^#site=(.+)$/);
    if (match) await showSite(decodeURIComponent(match[1]));
    else await showOverview();
    error.hidden = true;
    document.body.dataset.rendered = "true";
  } catch (e) {
    error.textContent = "cannot load: " + e.message;
    error.hidden = false;
  }
}

window.addEventListener("hashchange", render);
setInterval(render, 10000);
render();
