// The clerk dashboard: renders /v1/dashboard, /v1/sites/{site} and /v1/search. Every value from the
// server goes into the page as text (textContent), never as HTML: site names, failure reasons and
// page texts come from file names and PDFs. A snippet's matches become <mark> elements holding text.
"use strict";

const STAGES = ["ocr", "compilation", "extraction", "deploy"];
const REFRESH_MS = 10000;

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function cell(...nodes) {
  const td = document.createElement("td");
  td.append(...nodes);
  return td;
}

// A table row; plain values become text cells.
function row(cells) {
  const tr = document.createElement("tr");
  for (const c of cells) tr.appendChild(c instanceof Node ? c : el("td", c));
  return tr;
}

function link(href, text, external) {
  const a = el("a", text);
  a.href = href;
  if (external) {
    a.target = "_blank";
    a.rel = "noopener";
  }
  return a;
}

function siteLink(subdomain) {
  return link("#site=" + encodeURIComponent(subdomain), subdomain);
}

// A stage's counters of a site, from its fields ocr_total, ocr_completed, ocr_failed, …
function stageCounts(site, stage) {
  return { total: site[stage + "_total"], completed: site[stage + "_completed"], failed: site[stage + "_failed"] };
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

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : "—";
}

function fill(id, rows, empty) {
  const body = document.getElementById(id).tBodies[0];
  body.replaceChildren(...(rows.length ? rows : [row([el("td", empty, "ok")])]));
}

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
  let body;
  try {
    body = await response.json();
  } catch (e) {
    throw new Error(response.status + " " + response.statusText);
  }
  if (!response.ok) throw new Error(body.error || response.status + " " + response.statusText);
  return body;
}

function showOverview(d) {
  document.getElementById("generated").textContent = "as of " + when(d.generated_at);
  fill("by-stage", Object.entries(d.sites_by_stage).map(([stage, n]) => row([stage, el("td", n, "num")])));
  document.getElementById("stuck-rule").textContent =
    "work left, no progress for more than " + d.stale_threshold_hours + " h" +
    (d.stuck > d.stuck_sites.length ? " (" + d.stuck + " in all; the longest stuck shown)" : "");
  fill("stuck", d.stuck_sites.map(s =>
    row([cell(siteLink(s.subdomain)), s.current_stage, el("td", s.hours_stuck + " h", "stuck")])), "none");
  fill("failure-rates", STAGES.map(stage => {
    const r = d.failure_rates[stage];
    return row([stage, el("td", (100 * r.rate).toFixed(1) + " %", r.failed ? "failed num" : "num"),
      el("td", r.failed + " of " + r.total, "muted")]);
  }));
  const rec = document.getElementById("reconciliation");
  rec.replaceChildren();
  const r = d.last_reconciliation;
  const facts = r
    ? [["status", r.status], ["finished", when(r.finished_at)], ["trigger", r.trigger],
      ["compared", r.scanned], ["examined", r.examined], ["repaired", r.repaired], ["signalled", r.signalled],
      ["restarted", r.restarted], ["all failed", r.all_failed], ["errors", r.errors.join("; ") || "none"]]
    : [["status", "never run"]];
  for (const [k, v] of facts) {
    const bad = (k === "status" && r && v !== "success") || (k === "errors" && v !== "none");
    rec.append(el("dt", k), el("dd", v, bad ? "failed" : ""));
  }
  fill("needs-operator", d.needs_operator_sites.map(s =>
    row([cell(siteLink(s.subdomain)), el("td", s.detail, "reason")])), "none");
  fill("without-pipeline", d.without_pipeline === "unknown" || d.without_pipeline === null
    ? [row([el("td", "unknown: Temporal cannot be reached", "failed")])]
    : d.without_pipeline_sites.map(s => row([cell(siteLink(s.subdomain)), s.current_stage, ago(s.updated_at)])), "none");
  fill("storage-problems", d.storage_problem_sites.map(s =>
    row([cell(siteLink(s.subdomain)), el("td", s.detail, "reason")])), "none");
  const first = d.page * d.page_size;
  document.getElementById("sites-range").textContent = d.sites_total
    ? (first + 1) + "–" + (first + d.sites.length) + " of " + d.sites_total : "";
  pagerLink("sites-prev", d.page > 0 ? d.page - 1 : null);
  pagerLink("sites-next", first + d.sites.length < d.sites_total ? d.page + 1 : null);
  fill("sites", d.sites.map(s => {
    const tr = row([cell(siteLink(s.subdomain), el("div", s.name, "muted")), s.current_stage,
      ...STAGES.map(st => counters(stageCounts(s, st))), ago(s.updated_at),
      cell(link(s.workflow, "Temporal UI", true))]);
    tr.className = "click";
    tr.addEventListener("click", e => {
      if (!e.target.closest("a")) location.hash = "site=" + encodeURIComponent(s.subdomain);
    });
    return tr;
  }), "no sites yet");
  fill("recent-failures", d.recent_failures.map(f =>
    row([cell(siteLink(f.subdomain)), f.document_id, f.stage, el("td", f.error, "reason")])), "none");
}

function showSite(s) {
  document.getElementById("generated").textContent = "as of " + when(new Date().toISOString());
  document.getElementById("site-name").textContent =
    s.subdomain + (s.name ? " — " + s.name : "") + " (" + s.current_stage + ")";
  document.getElementById("site-workflow").href = s.workflow;
  document.getElementById("site-running").textContent = s.running
    ? "running: " + s.running.stage + ", " + s.running.in_flight.length +
      (s.running.in_flight.length === 1 ? " document" : " documents") + " in flight" +
      (s.running.note ? "; " + s.running.note : "")
    : "no pipeline running" + (s.note ? "; note: " + s.note : "") +
      (s.completed_at ? "; completed " + when(s.completed_at) : "");
  const lastError = document.getElementById("site-last-error");
  lastError.hidden = !s.last_error;
  lastError.textContent = s.last_error
    ? "last error (" + s.last_error.stage + ", " + when(s.last_error.at) + "): " + s.last_error.message : "";
  fill("site-counters", STAGES.map(st => {
    const c = stageCounts(s, st);
    return row([st, el("td", c.total, "num"), el("td", c.completed, "num"),
      el("td", c.failed, c.failed ? "failed num" : "num")]);
  }));
  fill("site-failed", s.failed_documents.map(f =>
    row([f.document_id, f.stage, el("td", f.error, "reason")])), "none");
  fill("site-storage-problems", s.storage_problems.map(p => row([el("td", p, "reason")])), "none");
  fill("site-page-warnings", s.page_warnings.warnings.map(w =>
    row([w.document_id, el("td", w.page || "", "num"), el("td", w.warning, "reason")])), "none");
}

// #search=QUERY&page=N: the words, and the page of results (from 1).
function searchHash(query, page) {
  return "#search=" + encodeURIComponent(query) + (page > 1 ? "&page=" + page : "");
}

function showSearch(r) {
  document.getElementById("generated").textContent = "as of " + when(new Date().toISOString());
  document.getElementById("search-q").value = r.query;
  const first = (r.page - 1) * r.page_size;
  document.getElementById("search-summary").textContent = r.hits.length
    ? "“" + r.query + "”: " + (first + 1) + "–" + (first + r.hits.length) + " of " +
      (r.total_is_exact ? r.total : "more than " + r.total)
    : "“" + r.query + "”: no published page matches";
  document.getElementById("search-results").replaceChildren(...r.hits.map(h => {
    const li = el("li");
    const where = el("div", null, "where");
    where.append(siteLink(h.site), " " + h.kind + " · " + h.meeting + " · " + h.date + " · page " + h.page);
    const snippet = el("div", null, "snippet");
    snippet.append(...h.snippet.map(f => f.match ? el("mark", f.text) : document.createTextNode(f.text)));
    const links = el("div", null, "muted");
    links.append(link(h.url, "page in the published site", true), " · ", link(h.page_image, "page image", true));
    li.append(where, snippet, links);
    return li;
  }));
  document.getElementById("search-results").start = first + 1;
  const prev = document.getElementById("search-prev");
  prev.hidden = r.page <= 1;
  prev.href = searchHash(r.query, r.page - 1);
  const next = document.getElementById("search-next");
  next.hidden = !r.more;
  next.href = searchHash(r.query, r.page + 1);
}

function pagerLink(id, page) {
  const a = document.getElementById(id);
  a.hidden = page === null;
  if (page !== null) a.href = page === 0 ? "#" : "#page=" + page;
}

// Renders what the address asks for; an older render finishing late is dropped.
let generation = 0;
async function render() {
  const mine = ++generation;
  const error = document.getElementById("error");
  try {
    const match = location.hash.match(/^#site=(.+)$/);
    const subdomain = match ? decodeURIComponent(match[1]) : null;
    const pageMatch = location.hash.match(/^#page=(\d+)$/);
    const searchMatch = location.hash.match(/^#search=([^&]*)(?:&page=(\d+))?$/);
    const view = searchMatch ? "search" : subdomain ? "site" : "overview";
    const data = await getJson(searchMatch
      ? "/v1/search?q=" + searchMatch[1] + "&page=" + (searchMatch[2] || 1)
      : subdomain ? "/v1/sites/" + encodeURIComponent(subdomain)
      : "/v1/dashboard?page=" + (pageMatch ? pageMatch[1] : 0));
    if (mine !== generation) return;
    if (view === "search") showSearch(data);
    else if (view === "site") showSite(data);
    else showOverview(data);
    for (const id of ["overview", "site", "search"]) document.getElementById(id).hidden = id !== view;
    error.hidden = true;
    document.body.dataset.rendered = view;
  } catch (e) {
    if (mine !== generation) return;
    error.textContent = "cannot load: " + e.message;
    error.hidden = false;
    // Keep the last data on screen through a refresh error, but not another view's.
    const wanted = location.hash.startsWith("#site=") ? "site"
      : location.hash.startsWith("#search=") ? "search" : "overview";
    if (document.body.dataset.rendered !== wanted) {
      for (const id of ["overview", "site", "search"]) document.getElementById(id).hidden = true;
    }
  }
}

document.getElementById("search-form").addEventListener("submit", e => {
  e.preventDefault();
  const query = document.getElementById("search-q").value.trim();
  if (query) location.hash = searchHash(query, 1);
});
window.addEventListener("hashchange", render);
// Results stay as they are while read; the overview and a site's page refresh.
setInterval(() => { if (!location.hash.startsWith("#search=")) render(); }, REFRESH_MS);
render();
