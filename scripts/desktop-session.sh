#!/usr/bin/env bash
# Runs a command inside a complete desktop session of real parts: it expects to be started under
# `xvfb-run … dbus-run-session --` (an X display and a private session bus), then starts a real
# notification daemon (dunst) and a real Secret Service (gnome-keyring) on that bus, runs "$@",
# and stops them. Used by scripts/test.sh and, on headless machines, by scripts/demo.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${DISPLAY:?run me under xvfb-run (no DISPLAY)}"
: "${DBUS_SESSION_BUS_ADDRESS:?run me under dbus-run-session (no session bus)}"

# Secret Service: the login keyring, created and unlocked with a throwaway password. keyring-rs
# talks to it over the session bus; nothing lands in a plain file we own.
# Its keyring files go to a throwaway folder (only the daemon sees this XDG_DATA_HOME).
keyring_home="${HEADSUP_KEYRING_HOME:-$(mktemp -d)}"
eval "$(printf 'headsup-test-keyring' | XDG_DATA_HOME="$keyring_home" \
  gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
export GNOME_KEYRING_CONTROL

# Notification daemon.
dunst -config "$here/tests/fixtures/dunstrc" >/tmp/headsup-dunst.log 2>&1 &
dunst_pid=$!
# Wait until the daemon owns the notifications name on the bus.
for _ in $(seq 1 50); do
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null \
    | grep -q 'boolean true' && break
  sleep 0.1
done

# gnome-keyring-daemon leaves by itself when dbus-run-session closes the bus.
cleanup() { kill "$dunst_pid" 2>/dev/null || true; }
trap cleanup EXIT
"$@"
