#!/usr/bin/env bash
# Installs everything Heads-Up needs to build, run and test, and skips what is already there.
# Called by scripts/demo.sh and scripts/test.sh; safe to run again (a warm run takes seconds).
#
# Only the Rust crate registry, PyPI, Debian and npm are reachable from our machines, so every
# tool comes from one of those (see ../shared/toolchain.md for why each route was chosen).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
source scripts/lib.sh

step_start=$(date +%s)
log() { printf '[setup %4ss] %s\n' "$(( $(date +%s) - step_start ))" "$*"; }

# --- Debian packages -------------------------------------------------------------------------
apt_packages=(
  # wasm32 std for the Yew UI: Debian's rustc-web can rebuild std for wasm32 (no rustup target).
  rustc-web cargo-web rust-web-src rust-web-llvm lld-22
  # Tauri 2 on Linux (WebKitGTK 4.1, GTK 3, tray).
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libssl-dev
  libsoup-3.0-dev libjavascriptcoregtk-4.1-dev libxdo-dev pkg-config build-essential
  # A real desktop session for tests and headless demos: X server, session bus, notification
  # daemon, secret service, WebDriver for WebKitGTK, screenshots.
  xvfb xauth x11-utils xdotool openbox dbus dbus-x11 dunst gnome-keyring libsecret-tools
  webkit2gtk-driver imagemagick x11vnc
  # The web chat widget's test: a real browser, headless, over WebDriver.
  chromium chromium-driver
  # The LDS's second backend (PostgreSQL tests start a private cluster).
  postgresql
  # The simulated telephony's voicemail: a real recording, spoken (http/sim_voicemail.rs).
  espeak-ng
  # scripts/schemathesis.sh: schemathesis (PyPI) in a venv; jq and curl to sign its agent in.
  python3-venv jq curl
  # scripts/check-platforms.sh: ring's C compiled for Android, Windows and macOS without their
  # SDKs (clang-14 cross-compiles; llvm-14 has llvm-ar-14, llvm-lib-14 and llvm-rc-14).
  clang-14 llvm-14
)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "apt: installing ${#missing[@]} packages: ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  # The Debian cluster auto-starts on install; our tests run their own private cluster.
  command -v pg_ctlcluster >/dev/null && $sudo_cmd pg_ctlcluster 15 main stop 2>/dev/null || true
else
  log "apt: all ${#apt_packages[@]} packages present"
fi

# --- The "web" toolchain: Debian's rustc 1.96 linked into rustup, used only for the UI ------------
if ! rustup toolchain list | grep -q '^web'; then
  log "rustup: linking Debian's rustc-web as toolchain 'web'"
  mkdir -p "$TOOLS_DIR/web-toolchain/bin"
  for t in rustc rustdoc cargo; do ln -sf "/usr/bin/$t" "$TOOLS_DIR/web-toolchain/bin/$t"; done
  mkdir -p "$TOOLS_DIR/web-toolchain/lib"
  ln -sfn /usr/lib/rustlib "$TOOLS_DIR/web-toolchain/lib/rustlib"
  rustup toolchain link web "$TOOLS_DIR/web-toolchain"
else
  log "rustup: toolchain 'web' present"
fi

# --- wasm-bindgen-cli, pinned to the wasm-bindgen in ui/Cargo.lock ------------------------------
wb_version=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' ui/Cargo.lock)
if [ "$("$CARGO_BIN/wasm-bindgen" --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  log "cargo install wasm-bindgen-cli $wb_version (about 4 minutes cold)"
  # Not --locked: one of its locked dependency versions is not served by the registry.
  cargo install -q wasm-bindgen-cli --version "$wb_version" --root "$TOOLS_DIR"
else
  log "wasm-bindgen-cli $wb_version present"
fi

# --- tauri-driver (WebDriver bridge for the e2e tests) ------------------------------------------
if ! [ -x "$CARGO_BIN/tauri-driver" ]; then
  log "cargo install tauri-driver"
  cargo install -q tauri-driver --locked --root "$TOOLS_DIR"
else
  log "tauri-driver present"
fi

# --- Tauri CLI from npm (a prebuilt binary inside the npm package; works offline) ---------------
if ! [ -x "$TOOLS_DIR/node_modules/.bin/tauri" ]; then
  log "npm: @tauri-apps/cli@2"
  (cd "$TOOLS_DIR" && npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR" @tauri-apps/cli@2 >/dev/null)
else
  log "tauri CLI present"
fi

# --- axe-core from npm: the accessibility rules the e2e tests run inside the real webview -------
axe_version=4.14.1
if [ "$(node -p "require('$TOOLS_DIR/node_modules/axe-core/package.json').version" 2>/dev/null)" != "$axe_version" ]; then
  log "npm: axe-core@$axe_version"
  (cd "$TOOLS_DIR" && npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR" "axe-core@$axe_version" >/dev/null)
else
  log "axe-core $axe_version present"
fi

# --- schemathesis (PyPI), pinned, in a venv: fuzzes the LDS's HTTP API from its OpenAPI --------
bash scripts/schemathesis.sh --install-only
log "schemathesis present"

log "setup complete"
