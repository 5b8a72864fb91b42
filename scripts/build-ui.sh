#!/usr/bin/env bash
# Builds the Yew UI (ui/) for wasm32 into ui/dist/: index.html, main.js, styles.css and the wasm
# with its JS glue. The app embeds ui/dist (tauri.conf.json `frontendDist`).
#
# Idempotent and quick when nothing changed: cargo's own fingerprints decide whether to rebuild,
# and wasm-bindgen runs only when the wasm differs from the one dist/ was made from (by content:
# cargo may hand back an older artifact, e.g. after switching opt-level, so timestamps can lie).
#
# Toolchain (see ../shared/toolchain.md §1-2): Debian's rustc-web, linked by scripts/setup.sh as
# rustup toolchain "web", rebuilds std for wasm32 (ui/.cargo/config.toml: build-std), which needs
# RUSTC_BOOTSTRAP=1. wasm-bindgen-cli comes from setup.sh, pinned to ui/Cargo.lock.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/lib.sh"
ui="$here/ui"
dist="$ui/dist"
wasm="$ui/target/wasm32-unknown-unknown/release/headsup-ui.wasm"

# When this runs from inside another cargo invocation (a build script, `tauri build`), its
# toolchain and target settings must not leak into the UI's build.
unset RUSTC RUSTDOC RUSTC_WRAPPER RUSTFLAGS CARGO_TARGET_DIR CARGO_BUILD_TARGET_DIR CARGO_BUILD_TARGET

echo "build-ui: cargo (toolchain web, wasm32, release)"
(cd "$ui" && RUSTC_BOOTSTRAP=1 cargo +web build --release --locked \
  --target wasm32-unknown-unknown --target-dir "$ui/target")

want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' "$ui/Cargo.lock")
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  echo "build-ui: wasm-bindgen $want is needed (found '${have:-none}'); run scripts/setup.sh" >&2
  exit 1
fi

mkdir -p "$dist"
# Kept in target/, not dist/: everything in dist/ is embedded in the app.
made_from="$ui/target/dist-made-from.sha256"
wasm_id="$(sha256sum "$wasm" | cut -d' ' -f1)"
if [ ! -f "$dist/headsup_ui_bg.wasm" ] || [ "$(cat "$made_from" 2>/dev/null)" != "$wasm_id" ]; then
  echo "build-ui: wasm-bindgen $want"
  wasm-bindgen --target web --no-typescript --out-dir "$dist" --out-name headsup_ui "$wasm"
  # wasm-opt only where it can read rustc 1.96's output: binaryen >= 116 (Debian's 108 cannot,
  # see toolchain.md §2). Without it the wasm is larger but identical in behaviour.
  opt_version=$(wasm-opt --version 2>/dev/null | grep -oE '[0-9]+' | head -1 || true)
  if [ -n "$opt_version" ] && [ "$opt_version" -ge 116 ]; then
    echo "build-ui: wasm-opt -Oz (binaryen $opt_version)"
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types --enable-multivalue \
      "$dist/headsup_ui_bg.wasm" -o "$dist/headsup_ui_bg.wasm"
  fi
  echo "$wasm_id" > "$made_from"
else
  echo "build-ui: wasm unchanged, keeping $dist"
fi

# Static files: copied only when they differ, so an unchanged dist keeps its timestamps.
for f in index.html main.js styles.css; do
  cmp -s "$ui/static/$f" "$dist/$f" || cp "$ui/static/$f" "$dist/$f"
done
echo "build-ui: $(du -b "$dist/headsup_ui_bg.wasm" | cut -f1) bytes of wasm in $dist"
