#!/usr/bin/env bash
# Benchmark: what the link's order file saves in the idle resident set of the long-running agent.
# Three release builds of the current code (release/build-release.sh), each kept in a copy of its own:
#   none       no order file;
#   committed  release/lfmaint.order as it is in the work tree;
#   fresh      an order file made now by release/hot-functions.sh (needs valgrind).
# Then each variant's agent in turn, RUNS rounds (the variant going first rotates), measured as
# bench/agent.sh measures it: RSS 33 s after the first cycle, just after a cycle (mid-pause), split
# into private memory and clean file-backed pages of the binary and of the shared libraries.
# Prints the medians and each variant's RSS against "none" measured in the same run.
# Needs the stack (testing/stack.sh up). LFMAINT_FRESH_ORDER=FILE keeps the fresh order file there at the
# end (LFMAINT_FRESH_ORDER=release/lfmaint.order: the file measured is the one to commit).
#   bench/order-file.sh [runs]
set -euo pipefail
source "$(dirname "$0")/../testing/common.sh"
cd "$LFMAINT_ROOT"
RUNS="${1:-5}"
VARIANTS=(none committed fresh)
WORK="$(mktemp -d)"
AGENT_PID=""
trap '[ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
# shellcheck disable=SC1091
source "$LFMAINT_STACK_DIR/stack.env" || { echo "bench: start the stack first (testing/stack.sh up)" >&2; exit 1; }

BIN="$(swift build -c release --static-swift-stdlib --show-bin-path)/lfmaint"
cp release/lfmaint.order "$WORK/committed.order"
echo "order-file: making a fresh order file (release/hot-functions.sh, a few minutes)" >&2
bash release/hot-functions.sh "$WORK/fresh.order" >&2
: >"$WORK/none.order"
for variant in "${VARIANTS[@]}"; do
  echo "order-file: linking $variant" >&2
  rm -f "$BIN" # relinks even when only the order file's contents differ
  if [ "$variant" = none ]; then LFMAINT_ORDER_FILE="" bash release/build-release.sh >/dev/null
  else LFMAINT_ORDER_FILE="$WORK/$variant.order" bash release/build-release.sh >/dev/null; fi
  cp "$BIN" "$WORK/lfmaint-$variant"
done
bash release/build-release.sh >/dev/null # leaves the release build as the script makes it

lfmaint_clickhouse_env
printf 'agent: {intervalSeconds: 1, ttlIntervalSeconds: 3600}\n' >"$WORK/agent.yaml"
cycles() { agent_cycles 19467; }

measure() { # variant: one agent run; appends VmRSS RssAnon RssFile binary libraries (kB) to WORK/variant.rss
  local bin="$WORK/lfmaint-$1" n
  # As deployed: Postgres and Redis detail sampled every cycle too.
  DATABASE_URL="$LFMAINT_TEST_DATABASE_URL" REDIS_CONNECTION_STRING="$LFMAINT_TEST_REDIS_URL" \
      "$bin" agent --config "$WORK/agent.yaml" --listen 127.0.0.1:19467 2>/dev/null &
  AGENT_PID=$!
  for _ in $(seq 1 100); do [ -n "$(cycles)" ] && break; sleep 0.1; done
  [ -n "$(cycles)" ] || { echo "order-file: the $1 agent never finished a cycle" >&2; exit 1; }
  sleep 33
  n=$(cycles)
  for _ in $(seq 1 40); do [ "$(cycles)" != "$n" ] && break; sleep 0.05; done
  sleep 0.4
  rss_by_file "$AGENT_PID" "$bin" >"$WORK/split"
  awk '/^(VmRSS|RssAnon|RssFile):/{printf "%d ", $2}' "/proc/$AGENT_PID/status" >>"$WORK/$1.rss"
  cat "$WORK/split" >>"$WORK/$1.rss"
  kill -TERM "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true; AGENT_PID=""
}

for round in $(seq 0 $((RUNS - 1))); do
  for i in 0 1 2; do
    variant="${VARIANTS[$(((round + i) % 3))]}"
    echo "order-file: round $((round + 1))/$RUNS, $variant" >&2
    measure "$variant"
  done
done

python3 - "$WORK" "$RUNS" <<'PY'
import os, statistics, sys
work, runs = sys.argv[1], sys.argv[2]
variants = ("none", "committed", "fresh")
mb = {}
for v in variants:
    rows = [list(map(int, line.split())) for line in open(f"{work}/{v}.rss") if line.strip()]
    # status prints VmRSS, RssAnon, RssFile in that order; then the binary's and the libraries' pages
    mb[v] = [[x / 1024 for x in column] for column in zip(*rows)]
lines = {v: sum(1 for _ in open(f"{work}/{v}.order")) for v in variants}
print(f"idle RSS of `lfmaint agent` (interval 1 s, against the local stack), median of {runs} runs each, taking turns")
print(f"{'order file':<10} {'functions':>9} | {'RSS MB':>6} {'(min-max)':>11} {'private':>7} {'file':>6} {'binary':>6} "
      f"{'libs':>6} | {'ratio to none':>13} {'MB saved':>8}")
base = statistics.median(mb["none"][0])
for v in variants:
    rss, anon, file, binary, libs = (statistics.median(c) for c in mb[v])
    spread = f"{min(mb[v][0]):.1f}-{max(mb[v][0]):.1f}"
    print(f"{v:<10} {lines[v]:>9} | {rss:>6.1f} {spread:>11} {anon:>7.1f} {file:>6.1f} {binary:>6.1f} {libs:>6.1f} | "
          f"{rss / base:>13.3f} {base - rss:>8.1f}")
saved = base - statistics.median(mb["fresh"][0])
print(f"a fresh order file saves {saved:.1f} MB of idle RSS against none "
      f"({'>= 5 MB: keep it' if saved >= 5 else '< 5 MB: not worth its diffs'})")
PY
if [ -n "${LFMAINT_FRESH_ORDER:-}" ]; then
  cp "$WORK/fresh.order" "$LFMAINT_FRESH_ORDER"
  echo "order-file: the fresh order file is in $LFMAINT_FRESH_ORDER" >&2
fi
