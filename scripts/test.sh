#!/usr/bin/env bash
# THE test command (README, .ci/run): installs what is missing, checks format and lints, builds
# the UI and the app, then runs every test — unit, cross-crate, and end-to-end in a real desktop
# session (Xvfb, private D-Bus, dunst, gnome-keyring, WebKitGTK driven over WebDriver).
# Its last lines are the test runner's summary, the slowest tests, then the platform checks' result.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
t0=$(date +%s)
phase() { printf '\n==> [%4ss] %s\n' "$(( $(date +%s) - t0 ))" "$*"; }

phase "setup (installs only what is missing)"
bash scripts/setup.sh
source scripts/lib.sh

phase "format"
cargo fmt --all --check
# The UI's own workspace pins the "web" toolchain, which has no rustfmt/clippy: lint and unit-test
# its logic with stable on the native target (the wasm-only bindings are a few thin lines).
(cd ui && cargo +stable fmt --check)

phase "build the UI (wasm32)"
bash scripts/build-ui.sh

phase "clippy (native workspace)"
cargo clippy --workspace --all-targets --locked -- -D warnings

(cd ui && cargo +stable clippy --locked --target x86_64-unknown-linux-gnu --all-targets -- -D warnings)

phase "UI unit tests (native target)"
(cd ui && cargo +stable test --locked --target x86_64-unknown-linux-gnu -q)

phase "build the app, the LDS and the tests"
# Examples too: a test runs the headless agent, and building it from inside a test would
# rebuild its dependencies with other features while the suite runs.
cargo build --workspace --bins --examples --locked
cargo nextest run --workspace --locked --no-run --run-ignored all >/dev/null 2>&1 \
  || cargo nextest run --workspace --locked --no-run --run-ignored all

# The platform checks (about 15 CPU-minutes cold, with Debian's compiler, so nothing is shared
# with the build above) run niced beside the test phases below, which leave a core idle most of
# the time: the end-to-end tests take one desktop at a time. Their result is printed at the end.
phase "Android, Windows, macOS: cargo check, in the background (no SDK here; docs/platforms.md)"
platform_log="$here/target/check-platforms.log"
bash scripts/check-platforms.sh >"$platform_log" 2>&1 &
platform_pid=$!
# If a phase below fails, the checks stop with it.
trap 'pkill -TERM -P "$platform_pid" 2>/dev/null || true' EXIT
platforms_result() {
  if wait "$platform_pid"; then
    phase "Android, Windows, macOS: cargo check passed"; tail -n 4 "$platform_log"
  else
    phase "Android, Windows, macOS: cargo check FAILED"; tail -n 60 "$platform_log"; return 1
  fi
}

phase "schemathesis: fuzz the live LDS's HTTP API from its OpenAPI document"
bash scripts/schemathesis.sh

phase "LDS suite against a real PostgreSQL (private cluster), two processes on one database"
bash scripts/test-lds-postgres.sh -q
cp target/nextest/default/junit.xml target/nextest/postgres-junit.xml

phase "run every test inside a real desktop session"
export HEADSUP_APP_BIN="$here/target/debug/headsup"
export HEADSUP_LDS_BIN="$here/target/debug/lds"
export HEADSUP_HEADLESS_AGENT_BIN="$here/target/debug/examples/headless_agent"
export HEADSUP_ARTIFACTS="$here/tests/artifacts"
mkdir -p "$HEADSUP_ARTIFACTS"
status=0
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
  bash scripts/desktop-session.sh \
  cargo nextest run --workspace --locked --run-ignored all --no-fail-fast \
    --failure-output final --success-output never \
    -E 'not test(/^two_processes::/)' || status=$? # needs PostgreSQL: ran in the phase above
phase "the slowest tests (all: bash scripts/slowest-tests.sh; PostgreSQL's: target/nextest/postgres-junit.xml)"
bash scripts/slowest-tests.sh 12 || true
platforms_result || status=1
exit "$status"
