#!/usr/bin/env bash
# The headless half of scripts/demo.sh, run inside the virtual desktop session: starts the app,
# signs in through the real form (typing with xdotool, as an agent would), and keeps a live
# screenshot and a VNC server so a person can watch and use it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

./target/debug/headsup &
app_pid=$!
trap 'kill $app_pid 2>/dev/null || true' EXIT

# Wait for the window, then sign in with the keyboard: e-mail, Enter (NEXT), password, Enter
# (CONNECT). The form focuses its field on each step.
for _ in $(seq 1 100); do xdotool search --name "Heads-Up" >/dev/null 2>&1 && break; sleep 0.2; done
sleep 3
win=$(xdotool search --name "Heads-Up" | head -n1)
xdotool windowactivate --sync "$win" 2>/dev/null || true
xdotool type --delay 20 "$HEADSUP_DEMO_EMAIL"; xdotool key Return; sleep 1
xdotool type --delay 20 "$HEADSUP_DEMO_PASSWORD"; xdotool key Return

vnc_port=""
vnc_password=""
if command -v x11vnc >/dev/null && vnc=$(bash scripts/vnc.sh 5900); then
  read -r vnc_port vnc_password <<<"$vnc"
fi
cat <<MSG

This machine has no display, so Heads-Up runs on a virtual one ($DISPLAY).
  Watch it:  a screenshot refreshed every 5 s: $HEADSUP_DEMO_SCREEN
MSG
[ -n "$vnc_port" ] && cat <<MSG
  Use it:    VNC on 127.0.0.1:$vnc_port, password $vnc_password (made for this run; from another
             machine: ssh -L 5900:127.0.0.1:5900 <this host>, then a VNC viewer at localhost:5900).
MSG
echo "  Stop it:   Ctrl-C"
while kill -0 "$app_pid" 2>/dev/null; do
  import -window root "$HEADSUP_DEMO_SCREEN.tmp.png" 2>/dev/null && mv "$HEADSUP_DEMO_SCREEN.tmp.png" "$HEADSUP_DEMO_SCREEN"
  sleep 5
done
