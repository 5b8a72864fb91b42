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

  let state = saved(); // { token, pending: [{client_id, body, attachment?, file?}] }
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
  const MAX_FILE = 15 * 1024 * 1024;
  const FILE_ERRORS = {
    attachment_too_large: "That file is larger than 15 MB.",
    attachment_type_refused: "That kind of file cannot be sent. Send an image (PNG, JPEG, GIF, WebP), a PDF, a text, audio (Ogg, MP3), Word or Excel file.",
  };

  function size(bytes) {
    if (bytes < 1024) return bytes + " bytes";
    if (bytes < 1024 * 1024) return Math.round(bytes / 1024) + " KB";
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  // The file's bytes are fetched with the token in a header (never in a URL), then saved.
  async function download(file) {
    $("compose-error").textContent = "";
    let res;
    try {
      res = await fetch("/api/v1/chat/attachments/" + encodeURIComponent(file.id), {
        headers: { authorization: "Bearer " + state.token },
      });
    } catch (_) {
      res = null;
    }
    if (!res || !res.ok) {
      $("compose-error").textContent = "The file could not be downloaded. Try again.";
      return;
    }
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement("a");
    a.href = url;
    a.download = file.name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  function fileButton(file) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "file";
    // Text only: a file name is never markup.
    button.textContent = "Download " + file.name + " (" + size(file.size) + ")";
    if (file.id) button.addEventListener("click", () => download(file));
    else button.disabled = true;
    return button;
  }

  function bubble(mine, body, meta, file) {
    const li = document.createElement("div");
    li.className = "msg " + (mine ? "mine" : "theirs");
    const text = document.createElement("span");
    text.className = "body";
    text.textContent = body;
    const small = document.createElement("span");
    small.className = "meta";
    small.textContent = meta;
    li.append(text);
    if (file) li.append(fileButton(file));
    li.append(small);
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
      li = bubble(mine, m.body, meta, m.attachment);
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
      socket.send(JSON.stringify({
        type: "send", client_id: p.client_id, body: p.body, attachment: p.attachment,
      }));
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
          } else if (f.client_id && (f.code === "invalid_message" || f.code === "not_found")) {
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

  // Uploads the chosen file: its id, or null with the reason shown.
  async function upload(file) {
    if (file.size > MAX_FILE) {
      $("compose-error").textContent = FILE_ERRORS.attachment_too_large;
      return null;
    }
    let res;
    try {
      res = await fetch("/api/v1/chat/attachments", {
        method: "POST",
        headers: {
          authorization: "Bearer " + state.token,
          "content-type": file.type || "application/octet-stream",
          "attachment-name": encodeURIComponent(file.name),
        },
        body: file,
      });
    } catch (_) {
      $("compose-error").textContent = "The file could not be sent. Check your connection and try again.";
      return null;
    }
    const body = await res.json().catch(() => ({}));
    if (!res.ok) {
      const code = body.error && body.error.code;
      $("compose-error").textContent = FILE_ERRORS[code]
        || (body.error && body.error.message) || "The file could not be sent.";
      return null;
    }
    return body;
  }

  let sending = false;
  $("compose").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (sending) return;
    $("compose-error").textContent = "";
    const body = $("compose-text").value.trim();
    const chosen = $("compose-file").files[0];
    if (!body && !chosen) {
      $("compose-error").textContent = "Write a message or attach a file.";
      return;
    }
    const p = { client_id: newId(), body };
    if (chosen) {
      const button = $("compose").querySelector("button[type=submit]");
      sending = true;
      button.disabled = true;
      button.textContent = "Sending file…";
      const file = await upload(chosen);
      sending = false;
      button.disabled = false;
      button.textContent = "Send";
      if (!file) return;
      p.attachment = file.id;
      p.file = file;
      $("compose-file").value = "";
    }
    state.pending.push(p);
    save(state);
    waiting.set(p.client_id, bubble(true, body, "Sending…", p.file));
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
    state.pending.forEach((p) => waiting.set(p.client_id, bubble(true, p.body, "Sending…", p.file)));
    connect();
  } else {
    showStart();
  }
})();
