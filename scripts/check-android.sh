#!/usr/bin/env bash
# `cargo check` of every crate the Android app is made of, for aarch64-linux-android, on a machine
# with no Android SDK or NDK (ours: see docs/android.md for the route and where it stops).
#
# - rustup here has no Android target, so std is rebuilt from source by Debian's rustc
#   (`rustc-web`, whose std source ships as `rust-web-src`) with -Zbuild-std; RUSTC_BOOTSTRAP=1
#   lets a stable compiler take -Z flags.
# - ring (rustls, through the client's reqwest) compiles C for the target in its build script.
#   Without the NDK there is no Android libc to compile against; Debian's clang-14 compiles it
#   freestanding with ring's own switch for sysroot-less cross builds (RING_CORE_NOSTDLIBINC:
#   no <string.h>/<assert.h>, its own memcpy/assert). Nothing links, so that is enough.
# - Not checked: crates/lds and tests (a server and its harness; never on a phone); the Kotlin of
#   crates/keepalive (no Android SDK); linking (no NDK).
#
# Idempotent: everything lands in target/android-check, and a second run only re-checks what
# changed. Niced, because CI and our shared machines have 2 cores and other builds beside it.
# Needs ui/dist (the app embeds it at compile time): scripts/build-ui.sh.
# Prints its wall time, its CPU time (cargo and every rustc) and the load average beside them.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
t0=$(date +%s)

for tool in /usr/bin/rustc /usr/bin/cargo clang-14 llvm-ar-14; do
  command -v "$tool" >/dev/null || { echo "check-android: $tool missing: run scripts/setup.sh" >&2; exit 1; }
done
[ -f ui/dist/index.html ] || { echo "check-android: ui/dist missing: run scripts/build-ui.sh" >&2; exit 1; }

target=aarch64-linux-android
# API level 24 (Android 7), the lowest Tauri 2 supports; it only picks ring's code paths here.
export CC_aarch64_linux_android=clang-14
export AR_aarch64_linux_android=llvm-ar-14
export CFLAGS_aarch64_linux_android="--target=${target}24 -ffreestanding -nostdlibinc -DRING_CORE_NOSTDLIBINC=1"
export RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
# HEADSUP_ANDROID_TARGET_DIR: an empty folder times a cold run without losing the warm one.
export CARGO_TARGET_DIR="${HEADSUP_ANDROID_TARGET_DIR:-$here/target/android-check}"
# The native build's RUSTFLAGS (if any) are not for this target or compiler.
unset RUSTFLAGS

# build.warnings=deny (cargo's, unstable, so -Zwarnings): our crates' warnings fail the check as
# clippy's -D warnings does natively, without RUSTFLAGS, which would rebuild every dependency.
nice -n 19 /usr/bin/cargo check --locked --target "$target" -Zbuild-std=std,panic_abort \
  -Zwarnings --config 'build.warnings="deny"' \
  -p headsup-protocol -p headsup-core -p headsup-client -p tauri-plugin-keepalive -p headsup \
  --lib "$@"

# CPU time beside wall time: on a shared machine the wall time says more about the neighbours.
# `times` in this shell, not in a $( ) subshell, whose children are not cargo.
times_file=$(mktemp); times > "$times_file"
cpu=$(tail -1 "$times_file" | awk '{print $1, "user,", $2, "sys"}'); rm -f "$times_file"
printf 'check-android: ok in %ss wall, CPU %s (load average:%s)\n' "$(( $(date +%s) - t0 ))" \
  "$cpu" "$(uptime | sed 's/.*load average://')"
