#!/usr/bin/env bash
# lfmaint's main job against a local default stack it starts itself: installs what is missing,
# starts the real ClickHouse engine (and Postgres, Redis, moto), seeds Langfuse-shaped tables with
# 90 days of rows, builds lfmaint and runs it against them. The stack keeps running afterwards
# (`scripts/stack.sh down` stops it) so you can try other commands against it.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$LFMAINT_ROOT"

bash scripts/install-deps.sh
bash scripts/stack.sh up
# shellcheck disable=SC1091
source "$LFMAINT_STACK_DIR/stack.env"
bash scripts/seed-langfuse.sh
swift build --product lfmaint
BIN="$(swift build --show-bin-path)/lfmaint"

export CLICKHOUSE_URL="$LFMAINT_TEST_CHDB_URL" CLICKHOUSE_USER="$LFMAINT_TEST_CLICKHOUSE_USER"
export CLICKHOUSE_PASSWORD="$LFMAINT_TEST_CLICKHOUSE_PASSWORD" CLICKHOUSE_CLUSTER_ENABLED=false
export DATABASE_URL="$LFMAINT_TEST_DATABASE_URL" REDIS_CONNECTION_STRING="$LFMAINT_TEST_REDIS_URL"

echo "== lfmaint version"
"$BIN" version
for command in "sample" "ttl plan" "cleanup --dry-run"; do
  echo
  echo "== lfmaint $command"
  # shellcheck disable=SC2086
  "$BIN" $command || echo "(exit $?)"
done
echo
echo "The stack is still up: source $LFMAINT_STACK_DIR/stack.env; stop it with scripts/stack.sh down"
