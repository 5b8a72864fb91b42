// The UI benchmark's scenario, run by ui/bench/run.sh in headless Chromium against the real
// release build of the UI (ui/dist) and the fake bridge (fake-tauri.js). Figures come from the
// UI's own render probe (ui/src/probe.rs: data-render-ms, data-parse-ms, data-paint-ms on
// <body>), so the app benchmark in the real webview reads the same numbers.
import init from "/headsup_ui.js";

const params = new URLSearchParams(location.search);
const ROWS = Number(params.get("rows") || 5000);
const ROUNDS = Number(params.get("rounds") || 30);
const BLINK = params.get("blink") !== "0"; // blink=0: no row blinks (isolates the animation cost)
const bench = window.__BENCH__;
const body = document.body;

const KINDS = ["call_now", "inbound_call", "chat_inbound", "call_me_back", "scheduled_by_customer"];

function row(i) {
  const scheduled = i % 7 === 6;
  return {
    id: 100000 + i,
    kind: KINDS[i % KINDS.length],
    label: i % 3 === 0 ? `+34 6** *** ${String(i).padStart(3, "0")}` : `Customer number ${i}`,
    status: scheduled ? { status: "scheduled" } : { status: "now" },
    blinking: BLINK && !scheduled,
    created_at: new Date(Date.UTC(2026, 10, 21, 8, 0, 0) + i * 1000).toISOString(),
    ...(scheduled ? { due_local: "14:30" } : {}),
  };
}

function view(queue, extra = {}) {
  return {
    login: { stage: "signed_in" },
    connection: { state: "synced", at: "2026-11-21T10:00:00Z" },
    agent: {
      id: 7, email: "ana@example.com", name: "Ana Bench", team: 1, team_name: "Sales",
      time_zone: "Europe/Madrid",
    },
    queue,
    scheduled: [],
    busy: false,
    waiting: queue.filter((r) => r.blinking).length,
    settings: { notifications: true, sound: true, mask_phone: false, realert_secs: 30, realert_max: 3 },
    ...extra,
  };
}

// Resolves once the probe has reported view number `n` as painted.
function painted(n) {
  return new Promise((resolve, reject) => {
    const done = () => Number(body.dataset.painted || 0) >= n;
    if (done()) return resolve();
    const timer = setTimeout(() => { obs.disconnect(); reject(new Error(`view ${n} never painted`)); }, 60000);
    const obs = new MutationObserver(() => {
      if (done()) { obs.disconnect(); clearTimeout(timer); resolve(); }
    });
    obs.observe(body, { attributes: true, attributeFilter: ["data-painted"] });
  });
}

function figures() {
  return {
    render_ms: Number(body.dataset.renderMs),
    parse_ms: Number(body.dataset.parseMs),
    paint_ms: Number(body.dataset.paintMs),
    rows: Number(body.dataset.rows),
    dom_rows: document.querySelectorAll("#queue li.request-row").length,
  };
}

// Splits the paint figure for diagnosis: from the probe's render report to the start of the
// next frame (waiting for the frame) and from there to the task after it (the frame's work).
function frameSplit() {
  return new Promise((resolve) => {
    const obs = new MutationObserver(() => {
      obs.disconnect();
      const t0 = performance.now();
      requestAnimationFrame(() => {
        const t1 = performance.now();
        setTimeout(() => resolve({ frame_wait_ms: t1 - t0, frame_work_ms: performance.now() - t1 }), 0);
      });
    });
    obs.observe(body, { attributes: true, attributeFilter: ["data-views"] });
  });
}

let sent = 1; // the initial view, answered by `invoke("view")`
async function send(v) {
  sent += 1;
  const split = frameSplit();
  bench.emitView(v);
  await painted(sent);
  return { ...figures(), ...(await split) };
}

function stats(samples, key) {
  const xs = samples.map((s) => s[key]).sort((a, b) => a - b);
  const at = (q) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))];
  // min: on a shared machine the least disturbed sample is the best estimate of the work itself.
  return { min: xs[0], median: at(0.5), p90: at(0.9), max: xs[xs.length - 1] };
}

const nextFrame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));

async function focusedRowShown(id) {
  // The focus effect may take a second render (the row must exist before it can be focused).
  for (let i = 0; i < 30; i++) {
    const el = document.querySelector(`#queue li.request-row[data-request-id="${id}"]`);
    if (el) {
      const box = el.getBoundingClientRect();
      const visible = box.top >= 0 && box.bottom <= innerHeight;
      if (visible && el.contains(document.activeElement)) {
        return { present: true, visible, focused: true, blinking: el.classList.contains("blinking") };
      }
    }
    await nextFrame();
  }
  const el = document.querySelector(`#queue li.request-row[data-request-id="${id}"]`);
  return { present: !!el, visible: false, focused: !!el && el.contains(document.activeElement), blinking: !!el && el.classList.contains("blinking") };
}

async function until(what, pred) {
  for (let i = 0; i < 300; i++) {
    const value = pred();
    if (value) return value;
    await nextFrame();
  }
  throw new Error(`timed out waiting for ${what}`);
}

// Profile → Notifications, and what #notification-permission says for a given OS answer.
let leftOpen = false;
async function permissionShown(name, status) {
  if (leftOpen) return null;
  bench.notificationStatus = status;
  document.querySelector("#agent-name").click();
  await until("the profile menu", () => document.querySelector("#menu-notifications")).then((b) => b.click());
  const el = await until("the OS permission", () => {
    const e = document.querySelector("#notification-permission");
    return e && !e.textContent.startsWith("Checking") ? e : null;
  });
  const shown = {
    state: el.dataset.state,
    reason: el.dataset.reason || null,
    ask_button: !!document.querySelector("#notification-ask"),
    text: el.textContent,
  };
  if (params.get("leave") === name) { // e.g. leave=denied: stay there for a screenshot
    leftOpen = true;
    return shown;
  }
  document.querySelector("#settings-close").click();
  await until("the request tab", () => document.querySelector("#queue"));
  return shown;
}

// The browser's own frame interval with nothing changing: the floor under every paint figure.
async function idleFrameInterval() {
  const times = [];
  for (let i = 0; i < 31; i++) {
    times.push(await new Promise((r) => requestAnimationFrame(r)));
  }
  const gaps = times.slice(1).map((t, i) => ({ ms: t - times[i] }));
  return stats(gaps, "ms");
}

async function run() {
  bench.initialView = view([]);
  await init();
  await painted(1);
  const idleFrames = await idleFrameInterval();

  const rows = Array.from({ length: ROWS }, (_, i) => row(i));
  const first = await send(view(rows));

  const oneRow = [];
  for (let k = 0; k < ROUNDS; k++) {
    // Alternate between a row on screen and one far away: both must be cheap.
    const i = k % 2 === 0 ? k % 10 : (k * 997) % ROWS;
    const r = rows[i];
    r.status = r.status.status === "timed_out" ? { status: "now" } : { status: "timed_out" };
    r.blinking = BLINK && r.status.status === "now";
    oneRow.push(await send(view(rows)));
  }

  // The JS half of the parse figure, for reference: JSON.stringify of the same payload.
  const stringify = [];
  for (let k = 0; k < 10; k++) {
    const t = performance.now();
    JSON.stringify(view(rows));
    stringify.push({ ms: performance.now() - t });
  }
  const payloadBytes = JSON.stringify(view(rows)).length;

  const target = rows[Math.max(0, ROWS - 100)];
  target.status = { status: "now" };
  target.blinking = true;
  const focusFigures = await send(view(rows, { focus: target.id }));
  const focus = await focusedRowShown(target.id);

  // Scrolling renders the rows that come on screen; the keyboard reaches rows not yet in the DOM.
  const queueTop = document.querySelector("#queue").getBoundingClientRect().top + scrollY;
  const open = (r) => r.status.status !== "timed_out";
  const half = rows.findIndex((r, i) => i >= Math.floor(ROWS / 2) && open(r));
  scrollTo(0, queueTop + (half - 2) * 52);
  const mid = rows[half].id;
  const scrolled = !!(await until("the middle row after scrolling", () =>
    document.querySelector(`#queue li.request-row[data-request-id="${mid}"]`)).catch(() => null));
  const key = (k) => document.activeElement.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
  const rowOf = () => document.activeElement.closest("li.request-row")?.getAttribute("aria-posinset");
  const landsOn = (k, want) => {
    key(k);
    return until(k, () => (rowOf() === want ? want : null)).catch(() => rowOf());
  };
  // Home and End go to the first/last row with an enabled button (the rounds closed some rows).
  const firstOpen = String(rows.findIndex(open) + 1);
  const lastOpen = String(rows.findLastIndex(open) + 1);
  const below = String(rows.findIndex((r, i) => i > half && open(r)) + 1);
  document.querySelector(`#queue li.request-row[data-request-id="${mid}"] button:not([disabled])`).focus();
  const afterDown = await landsOn("ArrowDown", below);
  const afterEnd = await landsOn("End", lastOpen);
  const afterHome = await landsOn("Home", firstOpen);
  const setsize = document.activeElement.closest("li.request-row")?.getAttribute("aria-setsize");
  const navigation = {
    scrolled_row_rendered: scrolled,
    arrow_down: afterDown === below ? "ok" : `landed on ${afterDown}, expected ${below}`,
    end: afterEnd === lastOpen ? "ok" : `landed on ${afterEnd}, expected ${lastOpen}`,
    home: afterHome === firstOpen ? "ok" : `landed on ${afterHome}, expected ${firstOpen}`,
    aria_setsize: setsize,
  };

  // Few rows: every row must be in the DOM (the e2e tests look them up directly).
  const few = await send(view(rows.slice(0, 12), {}));
  scrollTo(0, 0);

  const permission = {
    granted: await permissionShown("granted", { permission: "granted", server: "bench 1.0" }),
    denied: await permissionShown("denied", { permission: "denied" }),
    no_server: await permissionShown("no_server", { permission: "granted", server_error: "org.freedesktop.Notifications was not provided" }),
  };

  return {
    rows: ROWS,
    user_agent: navigator.userAgent,
    idle_frame_interval_ms: idleFrames,
    first_render: first,
    one_row_change: {
      rounds: ROUNDS,
      render_ms: stats(oneRow, "render_ms"),
      parse_ms: stats(oneRow, "parse_ms"),
      paint_ms: stats(oneRow, "paint_ms"),
      frame_wait_ms: stats(oneRow, "frame_wait_ms"),
      frame_work_ms: stats(oneRow, "frame_work_ms"),
      dom_rows: oneRow[oneRow.length - 1].dom_rows,
      payload_bytes: payloadBytes,
      js_stringify_ms: stats(stringify, "ms"),
    },
    focus_far_row: { ...focus, render_ms: focusFigures.render_ms, paint_ms: focusFigures.paint_ms },
    navigation,
    few_rows: { rows: few.rows, dom_rows: few.dom_rows },
    permission,
  };
}

run()
  .then((result) => fetch("/result", { method: "POST", body: JSON.stringify(result) }))
  .catch((e) => fetch("/result", { method: "POST", body: JSON.stringify({ error: String(e && e.stack || e) }) }));
