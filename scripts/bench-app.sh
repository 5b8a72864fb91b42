#!/usr/bin/env bash
# The agent app's benchmark (docs/performance.md, "The app"): builds the UI, the app, the LDS and
# the benchmark in release, then runs `app_bench` inside a real desktop session (Xvfb, private
# D-Bus, dunst, gnome-keyring, the app in WebKitGTK through tauri-driver) and prints one table of
# every figure with the load average beside each. Arguments go to app_bench:
#
#   bash scripts/bench-app.sh                                # everything, 600 s idle window
#   bash scripts/bench-app.sh --idle-secs 30 --requests 200  # a quick run
#   bash scripts/bench-app.sh --only intake,start            # a subset
#   bash scripts/bench-app.sh --help
#
# Needs what scripts/setup.sh installs. HEADSUP_BENCH_NO_BUILD=1 runs the binaries already built.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
source scripts/lib.sh

if ! command -v tauri-driver >/dev/null; then
  echo "bench-app: tauri-driver is missing: run scripts/setup.sh first" >&2
  exit 1
fi

if [ "${HEADSUP_BENCH_NO_BUILD:-}" != 1 ]; then
  # The app embeds ui/dist when it is built, so the UI comes first.
  bash scripts/build-ui.sh
  cargo build --release --locked -p headsup -p lds -p headsup-tests --bins
fi

export HEADSUP_APP_BIN="$here/target/release/headsup"
export HEADSUP_LDS_BIN="$here/target/release/lds"
export HEADSUP_ARTIFACTS="${HEADSUP_ARTIFACTS:-$here/tests/artifacts/bench}"
mkdir -p "$HEADSUP_ARTIFACTS"
echo "bench-app: $(uptime)"
echo "bench-app: $(nproc) cores, $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' + uncommitted changes')"
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
  bash scripts/desktop-session.sh "$here/target/release/app_bench" "$@"
