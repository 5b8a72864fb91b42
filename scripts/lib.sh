# Shared paths for the scripts; sourced, not run.
# Tools we install (wasm-bindgen-cli, tauri-driver, the npm Tauri CLI) live in one per-user cache
# outside the checkout, so every clone on a machine (CI's fresh clones too) reuses them instead of
# spending minutes rebuilding them. Override with HEADSUP_TOOLS_DIR (e.g. to time a cold install).
TOOLS_DIR="${HEADSUP_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/headsup-tools}"
CARGO_BIN="$TOOLS_DIR/bin"
mkdir -p "$TOOLS_DIR"
export PATH="$CARGO_BIN:$TOOLS_DIR/node_modules/.bin:$PATH"
# The e2e accessibility test injects this into the webview (installed by setup.sh).
export HEADSUP_AXE_JS="$TOOLS_DIR/node_modules/axe-core/axe.min.js"
