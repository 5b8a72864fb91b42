// A stand-in for `window.__TAURI__` (the Tauri app's global API) so the real UI build runs in a
// plain browser for measurement. Only what ui/src/tauri.rs uses: core.invoke and event.listen.
// Not a test double for correctness: the e2e tests drive the real app.
(function () {
  const listeners = new Map();
  const bench = (window.__BENCH__ = {
    initialView: null,
    intents: [],
    invoked: [],
    // What `notification_status` answers (the settings screen asks for it).
    notificationStatus: { permission: "granted", server: "bench 1.0" },
    listening: () => listeners.has("view"),
    emitView(view) {
      const handler = listeners.get("view");
      if (!handler) throw new Error("the UI is not listening to `view` yet");
      // Tauri hands listeners a parsed object; so do we.
      handler({ event: "view", id: 1, payload: view });
    },
  });
  window.__TAURI__ = {
    core: {
      async invoke(cmd, args) {
        bench.invoked.push(cmd);
        switch (cmd) {
          case "view": return bench.initialView;
          case "intent": bench.intents.push(args && args.intent); return null;
          case "notification_status": return bench.notificationStatus;
          case "request_notification_permission": return bench.notificationStatus.permission;
          default: throw `command ${cmd} not found`;
        }
      },
    },
    event: {
      async listen(name, handler) {
        listeners.set(name, handler);
        return () => listeners.delete(name);
      },
    },
  };
})();
