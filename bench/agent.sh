#!/usr/bin/env bash
# Benchmark: the agent against the local stack (testing/stack.sh up first).
#  - cold start: from exec to `lfmaint agent --once`'s first request to ClickHouse (a listener on
#    loopback notes when it arrives), against a baseline measured in the same run,
#    `python3 -c "import boto3"` (what a Python agent pays before its first request); goal: lfmaint
#    ≤ 1/10 of the baseline. Also the whole `--once` cycle against the stack, for the record;
#  - idle RSS of the long-running agent between cycles (goal ≤ 20 MB), split into private memory and
#    clean file-backed pages of the binary and its libraries, next to the floors under it: a C program
#    making the same libcurl and libpq calls (bench/libraries-floor.c) and a Swift program that only
#    uses Foundation (bench/foundation-floor.swift);
#  - CPU per sampling cycle (interval 1 s, over 30 cycles).
#   bench/agent.sh [runs]
set -euo pipefail
source "$(dirname "$0")/../testing/common.sh"
cd "$LFMAINT_ROOT"
RUNS="${1:-10}"
WORK="$(mktemp -d)"
AGENT_PID=""
trap '[ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
# shellcheck disable=SC1091
source "$LFMAINT_STACK_DIR/stack.env" || { echo "bench: start the stack first (testing/stack.sh up)" >&2; exit 1; }

bash release/build-release.sh >/dev/null
BIN="$(swift build -c release --static-swift-stdlib --show-bin-path)/lfmaint"
lfmaint_clickhouse_env
PYTHON="$LFMAINT_VENV/bin/python"   # has boto3 (moto's dependency)

median_wall() { # command...: median wall seconds of RUNS runs after a warm-up
  "$@" >/dev/null 2>&1 || true
  for _ in $(seq 1 "$RUNS"); do
    /usr/bin/time -f "%e" -o "$WORK/time" "$@" >/dev/null 2>&1 || true
    cat "$WORK/time"
  done | python3 -c "import statistics, sys; print(statistics.median(float(l) for l in sys.stdin if l.strip()))"
}
ONCE=$(median_wall "$BIN" agent --once)
BOTO=$(median_wall "$PYTHON" -c "import boto3")
FIRST=$(python3 - "$BIN" "$RUNS" <<'PY'
import socket, statistics, subprocess, sys, time, os
binary, runs = sys.argv[1], int(sys.argv[2])
times = []
for _ in range(runs + 1):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    env = dict(os.environ, CLICKHOUSE_URL=f"http://127.0.0.1:{listener.getsockname()[1]}")
    start = time.perf_counter()
    child = subprocess.Popen([binary, "agent", "--once"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    connection, _ = listener.accept()
    times.append(time.perf_counter() - start)
    child.kill(); child.wait(); connection.close(); listener.close()
print(statistics.median(times[1:]))
PY
)

printf 'agent: {intervalSeconds: 1, ttlIntervalSeconds: 3600}\n' >"$WORK/agent.yaml"
# As deployed: Postgres and Redis detail sampled every cycle too.
DATABASE_URL="$LFMAINT_TEST_DATABASE_URL" REDIS_CONNECTION_STRING="$LFMAINT_TEST_REDIS_URL" \
    "$BIN" agent --config "$WORK/agent.yaml" --listen 127.0.0.1:19465 2>/dev/null &
AGENT_PID=$!
cycles() { agent_cycles 19465; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$AGENT_PID/stat"; }
for _ in $(seq 1 100); do [ -n "$(cycles)" ] && break; sleep 0.1; done
sleep 3
first=$(cycles); ticks=$(cpu_ticks)
sleep 30
last=$(cycles); ticks_end=$(cpu_ticks)
# Idle: just after a cycle, in the middle of the 1 s pause. File-backed pages split by where they come from.
grep -E '^(VmRSS|RssAnon|RssFile|VmHWM):' "/proc/$AGENT_PID/status" >"$WORK/rss"
rss_by_file "$AGENT_PID" "$BIN" | awk '{print "BinaryFile: " $1 " kB"; print "LibraryFile: " $2 " kB"}' >>"$WORK/rss"
kill -TERM "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true; AGENT_PID=""

# The floor under it: a C program making the same libcurl and libpq calls, nothing else.
cc -O2 $(pkg-config --cflags libpq) bench/libraries-floor.c -o "$WORK/floor" -lcurl -lpq
"$WORK/floor" "$CLICKHOUSE_URL/ping" "$LFMAINT_TEST_DATABASE_URL" | awk '{print "FloorRSS: " $2 " kB"}' >>"$WORK/rss"
# And the Swift runtime with Foundation alone (static stdlib, plain link).
swiftc -O -static-stdlib bench/foundation-floor.swift -o "$WORK/foundation-floor" 2>/dev/null
"$WORK/foundation-floor" 2>/dev/null | awk '{print "FoundationRSS: " $2 " kB"}' >>"$WORK/rss"

python3 - "$FIRST" "$ONCE" "$BOTO" "$first" "$last" "$ticks" "$ticks_end" "$(getconf CLK_TCK)" "$WORK/rss" "$RUNS" <<'PY'
import sys
start, once, boto, first, last, t0, t1, hz, rss_file, runs = sys.argv[1:]
start, once, boto = float(start), float(once), float(boto)
kb = {line.split(":")[0]: int(line.split()[1]) for line in open(rss_file)}
cycles = float(last) - float(first)
cpu = (int(t1) - int(t0)) / int(hz) / cycles
print(f"cold start, median of {runs}: lfmaint agent --once to its first request {start * 1000:.1f} ms; python3 -c 'import boto3' "
      f"{boto * 1000:.1f} ms; ratio {start / boto:.3f} (goal <= 0.10: {'met' if start / boto <= 0.10 else 'MISSED'})")
print(f"whole --once cycle against the local stack: {once:.3f} s (ratio to the import alone {once / boto:.2f}; most of it is the test engine answering)")
print(f"idle RSS: {kb['VmRSS'] / 1024:.1f} MB = {kb['RssAnon'] / 1024:.1f} MB private + {kb['RssFile'] / 1024:.1f} MB clean file-backed pages "
      f"(by mapping, written data pages included: binary {kb['BinaryFile'] / 1024:.1f} MB, shared libraries {kb['LibraryFile'] / 1024:.1f} MB); peak {kb['VmHWM'] / 1024:.1f} MB "
      f"(goal <= 20 MB: {'met' if kb['VmRSS'] <= 20 * 1024 else 'MISSED'})")
print(f"floors: a C program making the same libcurl and libpq calls keeps {kb['FloorRSS'] / 1024:.1f} MB resident; "
      f"a Swift program that only uses Foundation (static stdlib) {kb['FoundationRSS'] / 1024:.1f} MB")
print(f"CPU per sampling cycle: {cpu * 1000:.1f} ms over {int(cycles)} cycles")
PY
