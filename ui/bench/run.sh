#!/usr/bin/env bash
# The UI benchmark, one command: builds the UI (release wasm, as the app ships it), runs
# bench/scenario.js in headless Chromium against a fake bridge, and prints the render probe's
# figures (ms) with the machine's load beside them.
#
#   bash ui/bench/run.sh [ROWS] [ROUNDS]      (defaults 5000 rows, 30 one-row changes)
#   BENCH_ENGINE=webkit bash ui/bench/run.sh  (WebKitGTK's MiniBrowser under Xvfb: the engine
#                                              of the app's webview on Linux)
#   BENCH_SKIP_BUILD=1 ...                    (measure ui/dist as it is)
#   BENCH_DIST=/path/to/dist ...              (measure another build, e.g. other opt-level)
#   BENCH_QUERY=blink=0 ...                   (no row blinks: isolates the animation's cost)
#
# Headless Chromium is the default (no display needed). The app benchmark reads the same probe
# (data-render-ms, data-paint-ms) in the app's real webview.
set -euo pipefail
ui="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rows="${1:-5000}" rounds="${2:-30}"
engine="${BENCH_ENGINE:-chromium}"
case "$engine" in
  chromium)
    browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
    [ -n "$browser" ] || { echo "bench: needs chromium (apt-get install chromium)" >&2; exit 1; } ;;
  webkit)
    browser="$(ls /usr/lib/*/webkit2gtk-4.1/MiniBrowser 2>/dev/null | head -1)"
    [ -n "$browser" ] || { echo "bench: needs WebKitGTK's MiniBrowser (libwebkit2gtk-4.1-0)" >&2; exit 1; }
    command -v xvfb-run >/dev/null || { echo "bench: needs xvfb-run (apt-get install xvfb)" >&2; exit 1; } ;;
  *) echo "bench: BENCH_ENGINE is chromium or webkit" >&2; exit 2 ;;
esac

[ "${BENCH_SKIP_BUILD:-}" = 1 ] || bash "$ui/../scripts/build-ui.sh" >&2

tmp="$(mktemp -d)"
browser_pid=""
cleanup() {
  if [ -n "$browser_pid" ]; then
    if [ "$engine" = webkit ]; then kill -- "-$browser_pid" 2>/dev/null || true; else kill "$browser_pid" 2>/dev/null || true; fi
    wait "$browser_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp" 2>/dev/null || true # a browser child may still be writing its profile
}
trap cleanup EXIT

dist="${BENCH_DIST:-$ui/dist}"
python3 "$ui/bench/serve.py" "$dist" "$ui/bench" "$tmp/port" > "$tmp/result" &
server_pid=$!
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat "$tmp/port")/bench/bench.html?rows=$rows&rounds=$rounds${BENCH_QUERY:+&$BENCH_QUERY}"

if [ "$engine" = webkit ]; then
  # Own process group (setsid), so cleanup can end Xvfb and the browser together by its id.
  setsid xvfb-run -a -s "-screen 0 1280x800x24" "$browser" --geometry=1280x800 "$url" \
    >"$tmp/browser.log" 2>&1 &
else
  "$browser" --headless=new --no-sandbox --disable-gpu --no-first-run --disable-extensions \
    --user-data-dir="$tmp/profile" --window-size=1280,800 "$url" >"$tmp/browser.log" 2>&1 &
fi
browser_pid=$!
wait "$server_pid" || { echo "bench: failed; browser log:" >&2; tail -20 "$tmp/browser.log" >&2; exit 1; }

if [ "$engine" = webkit ]; then
  version="WebKitGTK $(dpkg-query -W -f '${Version}' libwebkit2gtk-4.1-0 2>/dev/null || echo '?')"
else
  version="$("$browser" --version 2>/dev/null | head -1 || true)"
fi
echo "engine: $engine ($version)"
echo "load: $(uptime | sed 's/.*load average/load average/')"
echo "wasm: $(du -b "$dist/headsup_ui_bg.wasm" | cut -f1) bytes ($dist)"
python3 "$ui/bench/summary.py" < "$tmp/result"
