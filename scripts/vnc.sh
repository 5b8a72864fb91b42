#!/usr/bin/env bash
# Starts a VNC server on $DISPLAY for the headless demo, reachable from this machine only
# (127.0.0.1) and only with a password generated now: any local user could otherwise drive the
# signed-in agent's app. Usage: scripts/vnc.sh PORT. Prints "PORT PASSWORD" on success.
# The password reaches x11vnc through a private file that x11vnc deletes once read ("rm:"), so it
# is never in a process listing nor left on disk.
set -euo pipefail
port="$1"
# Classic VNC authentication uses the first 8 characters only.
password=$(head -c 64 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 8)
file=$(mktemp)
chmod 600 "$file"
printf '%s\n' "$password" >"$file"
if x11vnc -display "$DISPLAY" -localhost -passwdfile "rm:$file" -forever -shared -quiet -bg \
    -rfbport "$port" >/dev/null 2>&1; then
  echo "$port $password"
else
  rm -f "$file"
  exit 1
fi
