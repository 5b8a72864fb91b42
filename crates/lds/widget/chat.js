// The Heads-Up web chat widget. Protocol: docs/protocol.md, "Customer chat".
// Everything from the server is shown with textContent: a message is never markup.
"use strict";

(function () {
  const STORE = "headsup-chat";
  const key = new URLSearchParams(location.hash.slice(1)).get("key") || "";
  const $ = (id) => document.getElementById(id);
  const saved = () => {
    try { return JSON.parse(localStorage.getItem(STORE)) || {}; } catch (_) { return {}; }
  };
  const save = (s) => localStorage.setItem(STORE, JSON.stringify(s));

  let state = saved(); // { token, pending: [{client_id, body}] }
  state.pending = state.pending || [];
  let socket = null;
  let last = 0; // the newest message id shown on this page
  let retryIn = 1000;
  const shown = new Map(); // message id -> <li>
  const waiting = new Map(); // client_id -> <li> of a message not yet stored

  function newId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }

  function status(text) { $("status").textContent = text; }

  const TICKS = { sent: "Sent", delivered: "Delivered", read: "Read", failed: "Not sent" };

  function bubble(mine, body, meta) {
    const li = document.createElement("div");
    li.className = "msg " + (mine ? "mine" : "theirs");
    const text = document.createElement("span");
    text.className = "body";
    text.textContent = body;
    const small = document.createElement("span");
    small.className = "meta";
    small.textContent = meta;
    li.append(text, small);
    $("messages").append(li);
    li.scrollIntoView({ block: "end" });
    return li;
  }

  function system(text) {
    const li = document.createElement("div");
    li.className = "msg system";
    li.textContent = text;
    $("messages").append(li);
  }

  function showMessage(m) {
    const mine = m.author === "customer";
    const meta = mine ? TICKS[m.state] || m.state : (m.agent_name || "Agent");
    let li = shown.get(m.id);
    if (!li) {
      const pending = mine && waiting.get(m.client_id);
      if (pending) {
        waiting.delete(m.client_id);
        pending.remove();
      }
      li = bubble(mine, m.body, meta);
      li.dataset.id = String(m.id);
      li.dataset.author = m.author;
      shown.set(m.id, li);
      if (mine) {
        state.pending = state.pending.filter((p) => p.client_id !== m.client_id);
        save(state);
      }
    } else if (mine) {
      li.querySelector(".meta").textContent = meta;
    }
    last = Math.max(last, m.id);
    if (!mine) markRead();
  }

  function markRead() {
    if (document.visibilityState !== "visible" || !socket || socket.readyState !== 1) return;
    let newest = 0;
    for (const [id, li] of shown) if (li.dataset.author === "agent") newest = Math.max(newest, id);
    if (newest) socket.send(JSON.stringify({ type: "read", up_to: newest }));
  }

  function setTick(id, tick) {
    const li = shown.get(id);
    if (li && li.dataset.author === "customer") li.querySelector(".meta").textContent = TICKS[tick] || tick;
  }

  function sendPending(p) {
    if (socket && socket.readyState === 1) {
      socket.send(JSON.stringify({ type: "send", client_id: p.client_id, body: p.body }));
    }
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(scheme + "://" + location.host + "/api/v1/chat/ws");
    socket.onopen = () => {
      socket.send(JSON.stringify({ type: "hello", token: state.token, after: last || undefined }));
    };
    socket.onmessage = (e) => {
      let f;
      try { f = JSON.parse(e.data); } catch (_) { return; }
      switch (f.type) {
        case "welcome":
          retryIn = 1000;
          status(f.state === "closed" ? "This chat was closed. Write to open it again."
            : f.agent_name ? "You are chatting with " + f.agent_name + "."
            : "Connected. An agent will answer soon.");
          $("talk").hidden = false;
          $("start").hidden = true;
          // Whatever was not stored yet goes again, under the same id: stored once.
          state.pending.forEach(sendPending);
          break;
        case "message": showMessage(f.message); break;
        case "state": setTick(f.message, f.state); break;
        case "joined":
          status("You are chatting with " + f.agent_name + ".");
          system(f.agent_name + " joined the chat.");
          break;
        case "closed":
          status("This chat was closed. Write to open it again.");
          system("The chat was closed.");
          break;
        case "error":
          if (f.code === "invalid_chat_token") {
            state = { pending: [] };
            save(state);
            showStart();
          } else if (f.client_id && f.code === "invalid_message") {
            state.pending = state.pending.filter((p) => p.client_id !== f.client_id);
            save(state);
            const li = waiting.get(f.client_id);
            if (li) li.querySelector(".meta").textContent = "Not sent: " + f.message;
            waiting.delete(f.client_id);
          } else {
            $("compose-error").textContent = f.message;
          }
          break;
      }
    };
    socket.onclose = () => {
      if (!state.token) return;
      status("Connection lost. Reconnecting…");
      setTimeout(connect, retryIn);
      retryIn = Math.min(retryIn * 2, 15000);
    };
  }

  function showStart() {
    if (socket) { socket.onclose = null; socket.close(); socket = null; }
    $("talk").hidden = true;
    $("start").hidden = false;
    status(key ? "Tell us your name to start." : "This chat link has no key: ask the website for a new one.");
  }

  $("start").addEventListener("submit", async (e) => {
    e.preventDefault();
    $("start-error").textContent = "";
    const name = $("start-name").value.trim();
    const text = $("start-text").value.trim();
    const client_id = newId();
    let res;
    try {
      res = await fetch("/api/v1/chat", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer " + key },
        body: JSON.stringify(text ? { name, text, client_id } : { name }),
      });
    } catch (_) {
      $("start-error").textContent = "We could not reach the chat. Check your connection and try again.";
      return;
    }
    const body = await res.json().catch(() => ({}));
    if (!res.ok) {
      $("start-error").textContent = (body.error && body.error.message) || "The chat could not start.";
      return;
    }
    state = { token: body.token, pending: [] };
    save(state);
    connect();
  });

  $("compose").addEventListener("submit", (e) => {
    e.preventDefault();
    $("compose-error").textContent = "";
    const body = $("compose-text").value.trim();
    if (!body) return;
    const p = { client_id: newId(), body };
    state.pending.push(p);
    save(state);
    waiting.set(p.client_id, bubble(true, body, "Sending…"));
    $("compose-text").value = "";
    sendPending(p);
  });

  $("compose-text").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      $("compose").requestSubmit();
    }
  });

  document.addEventListener("visibilitychange", markRead);

  if (state.token) {
    // Messages written before a reload that were not stored yet show as sending.
    state.pending.forEach((p) => waiting.set(p.client_id, bubble(true, p.body, "Sending…")));
    connect();
  } else {
    showStart();
  }
})();
