#!/usr/bin/env bash
# Runs the LDS test suite against a real PostgreSQL server: a private cluster from Debian's
# `postgresql` package in a temp folder on its own port, removed afterwards. Each test creates
# its own database in it (LDS_TEST_POSTGRES_URL names the admin database).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
# Below Linux's ephemeral range (32768–60999): a port inside it can be held by a TIME-WAIT left
# by the other tests' thousands of loopback connections, and PostgreSQL then refuses to start.
source scripts/pg-cluster.sh "${LDS_PG_PORT:-25432}"
export LDS_TEST_POSTGRES_URL="$pg_admin_url"
# The workspace's build, as every other test run (`-p lds` alone would unify features differently
# and build the LDS's dependencies a second time), each test in its own process. `-q`: only
# failures and the summary.
args=()
for arg in "$@"; do
  if [ "$arg" = -q ]; then
    args+=(--cargo-quiet --status-level fail --final-status-level fail)
  else
    args+=("$arg")
  fi
done
cargo nextest run --workspace --locked -E 'package(lds)' "${args[@]}"
