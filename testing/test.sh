#!/usr/bin/env bash
# The test command: installs what is missing, starts the local stack (unless one is already up),
# builds, runs every test against the real servers, and stops the stack it started, even on failure.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$LFMAINT_ROOT"

bash testing/install-deps.sh

if curl -sf "http://127.0.0.1:$PORT_CHDB/ping" >/dev/null 2>&1 && [ -f "$LFMAINT_STACK_DIR/stack.env" ]; then
  echo "test: reusing the stack already up in $LFMAINT_STACK_DIR"
else
  LFMAINT_STACK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/lfmaint-test-stack.XXXXXX")"
  export LFMAINT_STACK_DIR
  chmod 755 "$LFMAINT_STACK_DIR"
  trap 'bash testing/stack.sh down; rm -rf "$LFMAINT_STACK_DIR"' EXIT
  bash testing/stack.sh up
fi
# shellcheck disable=SC1091
source "$LFMAINT_STACK_DIR/stack.env"

swift build
# One test at a time: the suites share one engine, and a cleanup run drops every rotated system log
# on it, including one another suite has just made.
LFMAINT_REQUIRE_STACK=1 swift test --disable-xctest --no-parallel "$@"
