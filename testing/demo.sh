#!/usr/bin/env bash
# lfmaint's main job against a local default stack it starts itself: installs what is missing,
# starts the real ClickHouse engine (and Postgres, Redis, moto), seeds Langfuse-shaped tables with
# 90 days of rows, builds lfmaint and runs it against them. The stack keeps running afterwards
# (`testing/stack.sh down` stops it) so you can try other commands against it.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$LFMAINT_ROOT"

bash testing/install-deps.sh
bash testing/stack.sh up
# shellcheck disable=SC1091
source "$LFMAINT_STACK_DIR/stack.env"
bash testing/seed-langfuse.sh
swift build --product lfmaint
BIN="$(swift build --show-bin-path)/lfmaint"

lfmaint_clickhouse_env
export DATABASE_URL="$LFMAINT_TEST_DATABASE_URL" REDIS_CONNECTION_STRING="$LFMAINT_TEST_REDIS_URL"

echo "== lfmaint version"
"$BIN" version
# A low threshold, so that the dry run has a plan to show on a disk that is far from full.
demo_config="$LFMAINT_STACK_DIR/demo.yaml"
printf 'cleanup: {threshold: 5, target: 4}\n' >"$demo_config"
echo
echo "== lfmaint agent --once --dry-run  (one cycle: samples, a cleanup plan over a 5% threshold, the TTL plan; nothing is changed)"
"$BIN" agent --once --dry-run --config "$demo_config" || echo "(exit $?)"
echo
echo "The stack is still up: source $LFMAINT_STACK_DIR/stack.env; stop it with testing/stack.sh down"
