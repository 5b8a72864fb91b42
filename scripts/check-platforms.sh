#!/usr/bin/env bash
# `cargo check` of the app's crates for the platforms this Linux machine cannot build for —
# Android (aarch64-linux-android), Windows (x86_64-pc-windows-msvc) and macOS
# (aarch64-apple-darwin) — so platform code keeps compiling everywhere. There is no Android
# NDK, Windows SDK or Xcode here, so nothing links: this type-checks our Rust and every
# dependency's, as far as each target's build scripts let it (docs/platforms.md).
#
#   bash scripts/check-platforms.sh                  # all three
#   bash scripts/check-platforms.sh windows macos    # some
#
# - rustup here has no such targets, so std is rebuilt from source by Debian's rustc
#   (`rustc-web`, whose std source ships as `rust-web-src`) with -Zbuild-std; RUSTC_BOOTSTRAP=1
#   lets a stable compiler take -Z flags.
# - ring (rustls, through the client's reqwest) compiles C in its build script. Without the
#   platform's SDK there is no libc to compile against; Debian's clang-14 compiles it freestanding
#   with ring's own switch for sysroot-less cross builds (RING_CORE_NOSTDLIBINC). Two SDK headers
#   it still names have stand-ins in scripts/platform-check/ (one declaration, six macros).
# - Windows: clang-14 in its MSVC driver mode (`clang-cl`, a symlink made here) compiles ring,
#   llvm-lib-14 archives it, llvm-rc-14 compiles the app's Windows resource (icon, version).
# - macOS: where it stops. tauri-plugin-notification's macOS backend (mac-notification-sys)
#   compiles Objective-C against the SDK's Cocoa headers, so that crate, the plugin and the
#   shell (`headsup`) are not checked for macOS; everything else is, and the script fails if
#   anything else breaks or if that stop moves.
#
# Idempotent: everything lands in target/platform-check (the targets share the host's build
# scripts and proc macros there), and a second run only re-checks what changed. Niced, because
# CI and our shared machines have 2 cores and other builds beside it. Needs ui/dist (the app
# embeds it at compile time): scripts/build-ui.sh. Prints each target's wall time, the CPU time
# (cargo and every rustc) and the load average beside them.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

for tool in /usr/bin/rustc /usr/bin/cargo clang-14 llvm-ar-14 llvm-lib-14 llvm-rc-14; do
  command -v "$tool" >/dev/null || { echo "check-platforms: $tool missing: run scripts/setup.sh" >&2; exit 1; }
done
[ -f ui/dist/index.html ] || { echo "check-platforms: ui/dist missing: run scripts/build-ui.sh" >&2; exit 1; }

export RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
# HEADSUP_PLATFORM_TARGET_DIR: an empty folder times a cold run without losing the warm one.
export CARGO_TARGET_DIR="${HEADSUP_PLATFORM_TARGET_DIR:-$here/target/platform-check}"
# The native build's RUSTFLAGS (if any) are not for these targets or this compiler.
unset RUSTFLAGS
stubs="$here/scripts/platform-check"

# build.warnings=deny (cargo's, unstable, so -Zwarnings): our crates' warnings fail the check as
# clippy's -D warnings does natively, without RUSTFLAGS, which would rebuild every dependency.
check() {
  local target=$1; shift
  nice -n 19 /usr/bin/cargo check --locked --target "$target" -Zbuild-std=std,panic_abort \
    -Zwarnings --config 'build.warnings="deny"' --lib "$@"
}

# The app's crates as an APK is made of them (the keep-alive plugin is Android's).
android() {
  local target=aarch64-linux-android
  # API level 24 (Android 7), the lowest Tauri 2 supports; it only picks ring's code paths here.
  CC_aarch64_linux_android=clang-14 AR_aarch64_linux_android=llvm-ar-14 \
  CFLAGS_aarch64_linux_android="--target=${target}24 -ffreestanding -nostdlibinc -DRING_CORE_NOSTDLIBINC=1" \
    check "$target" -p headsup-protocol -p headsup-core -p headsup-client \
      -p tauri-plugin-keepalive -p headsup
}

windows() {
  local target=x86_64-pc-windows-msvc
  mkdir -p "$CARGO_TARGET_DIR/tools"
  # clang picks its driver from its own name: as `clang-cl` it takes MSVC's flags, which cc-rs
  # gives any *-windows-msvc target.
  ln -sfn "$(command -v clang-14)" "$CARGO_TARGET_DIR/tools/clang-cl"
  CC_x86_64_pc_windows_msvc="$CARGO_TARGET_DIR/tools/clang-cl" \
  AR_x86_64_pc_windows_msvc=llvm-lib-14 \
  RC_x86_64_pc_windows_msvc=llvm-rc-14 \
  CFLAGS_x86_64_pc_windows_msvc="/clang:-ffreestanding /X -I$stubs/msvc -DRING_CORE_NOSTDLIBINC=1" \
    check "$target" -p headsup-protocol -p headsup-core -p headsup-client -p headsup
}

macos_env() {
  CC_aarch64_apple_darwin=clang-14 AR_aarch64_apple_darwin=llvm-ar-14 \
  CFLAGS_aarch64_apple_darwin="--target=arm64-apple-macos11 -ffreestanding -nostdlibinc -I$stubs/darwin -DRING_CORE_NOSTDLIBINC=1" \
    "$@"
}

macos() {
  local target=aarch64-apple-darwin log
  macos_env check "$target" -p headsup-protocol -p headsup-core -p headsup-client
  # The shell, with --keep-going: every dependency that can be checked is. The one failure
  # allowed is mac-notification-sys's build script not finding the SDK's Cocoa headers.
  log=$(mktemp)
  if macos_env check "$target" -p headsup --keep-going 2>"$log"; then
    cat "$log" >&2; rm -f "$log"
    echo "check-platforms: macOS: the shell checked in full (an SDK must be present): update docs/platforms.md"
    return 0
  fi
  local errors
  errors=$(grep -E '^error' "$log" || true)
  if [ "$(wc -l <<<"$errors")" = 1 ] \
    && grep -qE '^error: failed to run custom build command for `mac-notification-sys v[0-9.]+`$' <<<"$errors" \
    && grep -q "'Cocoa/Cocoa.h' file not found" "$log"; then
    rm -f "$log"
    echo "check-platforms: macOS: checked all but mac-notification-sys, tauri-plugin-notification and headsup, which need the macOS SDK's Cocoa headers (docs/platforms.md)"
  else
    cat "$log" >&2; rm -f "$log"
    echo "check-platforms: macOS: a failure other than the known SDK stop (above)" >&2
    return 1
  fi
}

platforms=("$@")
[ ${#platforms[@]} -gt 0 ] || platforms=(android windows macos)
for p in "${platforms[@]}"; do
  case "$p" in
    android|windows|macos) ;;
    *) echo "check-platforms: unknown platform '$p' (android, windows, macos)" >&2; exit 2 ;;
  esac
  t0=$(date +%s)
  "$p"
  # CPU time beside wall time: on a shared machine the wall time says more about the neighbours.
  # `times` in this shell, not in a $( ) subshell, whose children are not cargo. Cumulative.
  times_file=$(mktemp); times > "$times_file"
  cpu=$(tail -1 "$times_file" | awk '{print $1, "user,", $2, "sys"}'); rm -f "$times_file"
  printf 'check-platforms: %s ok in %ss wall, CPU so far %s (load average:%s)\n' "$p" \
    "$(( $(date +%s) - t0 ))" "$cpu" "$(uptime | sed 's/.*load average://')"
done
