#!/usr/bin/env bash
# THE run command (README): installs what is missing, builds, starts the LDS with demo traffic on
# its embedded SQLite default, and the Heads-Up app signed in to it. With a display, the app opens
# on it; on a headless machine, it runs on a virtual display you can watch over VNC or through a
# screenshot refreshed every few seconds.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

bash scripts/setup.sh
source scripts/lib.sh
bash scripts/build-ui.sh
cargo build --workspace --bins

listen="${LDS_LISTEN:-127.0.0.1:7700}"
demo_dir="${HEADSUP_DEMO_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/headsup-demo}"
mkdir -p "$demo_dir"
export LDS_DATABASE_URL="sqlite://$demo_dir/lds.db"

./target/debug/lds demo --listen "$listen" | tee "$demo_dir/lds-demo.log" &
lds_pid=$!
trap 'kill $lds_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q "listening on" "$demo_dir/lds-demo.log" 2>/dev/null && break; sleep 0.2; done
grep -q "listening on" "$demo_dir/lds-demo.log" || { echo "the LDS did not start; see above"; exit 1; }

export HEADSUP_LDS_URL="http://$listen"
export HEADSUP_PROFILE="${HEADSUP_PROFILE:-demo}"
export HEADSUP_DEMO_EMAIL="${HEADSUP_DEMO_EMAIL:-ana@demo.test}"
export HEADSUP_DEMO_PASSWORD="${HEADSUP_DEMO_PASSWORD:-demo-ana}"

if [ -n "${DISPLAY:-}" ] && [ -z "${HEADSUP_HEADLESS:-}" ]; then
  echo
  echo "Heads-Up is starting. Sign in as $HEADSUP_DEMO_EMAIL / $HEADSUP_DEMO_PASSWORD (other logins above)."
  ./target/debug/headsup
else
  export HEADSUP_DEMO_SCREEN="$demo_dir/screen.png"
  xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
    bash scripts/desktop-session.sh bash scripts/demo-headless.sh
fi
