#!/usr/bin/env bash
# Regenerates release/lfmaint.order (or writes FILE): the functions lfmaint executes, in the order the
# release link should place them (release/build-release.sh). Runs the release binary under valgrind's callgrind:
# the agent against the local stack (its idle resident set matters most, so its functions come first),
# then one `sample` over 1,000 PVCs from the recorded-shape kube API, `ttl plan` and a dry-run cleanup.
# Needs valgrind (apt-get install valgrind) and the stack (testing/stack.sh up). Rerun after large changes.
#   release/hot-functions.sh [FILE]
set -euo pipefail
source "$(dirname "$0")/../testing/common.sh"
cd "$LFMAINT_ROOT"
OUT="${1:-release/lfmaint.order}"
command -v valgrind >/dev/null || { echo "hot-functions: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
# shellcheck disable=SC1091
source "$LFMAINT_STACK_DIR/stack.env" || { echo "hot-functions: start the stack first (testing/stack.sh up)" >&2; exit 1; }
WORK="$(mktemp -d)"
FAKE_PID=""
trap '[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null; rm -rf "$WORK"' EXIT

LFMAINT_KEEP_SYMBOLS=1 bash release/build-release.sh >/dev/null
BIN="$(swift build -c release --static-swift-stdlib --show-bin-path)/lfmaint"
lfmaint_clickhouse_env
export DATABASE_URL="$LFMAINT_TEST_DATABASE_URL" REDIS_CONNECTION_STRING="$LFMAINT_TEST_REDIS_URL"
callgrind() { # name seconds command...: records which functions of the binary ran (TERM after seconds)
    timeout -s TERM "$2" valgrind --tool=callgrind --demangle=no --callgrind-out-file="$WORK/$1.cg" "${@:3}" >/dev/null 2>&1 || true
}

printf 'agent: {intervalSeconds: 1, ttlIntervalSeconds: 5}\n' >"$WORK/agent.yaml"
callgrind agent 40 "$BIN" agent --config "$WORK/agent.yaml" --listen 127.0.0.1:19466 &
AGENT=$!
sleep 25 && curl -s 127.0.0.1:19466/metrics >/dev/null && curl -s 127.0.0.1:19466/readyz >/dev/null || true
wait "$AGENT" || true

echo "token-$$" >"$WORK/token"
python3 testing/fake_kube/fake_kube.py --nodes 100 --pvcs-per-node 10 --token "token-$$" >"$WORK/fake.out" 2>/dev/null &
FAKE_PID=$!
for _ in $(seq 1 50); do grep -q '^port ' "$WORK/fake.out" 2>/dev/null && break; sleep 0.1; done
python3 - "$WORK/kube.yaml" "$(awk '/^port /{print $2}' "$WORK/fake.out")" "$WORK/token" <<'PY'
import sys
path, port, token = sys.argv[1:]
with open(path, "w") as f:
    f.write(f"kubelet: {{apiServer: 'http://127.0.0.1:{port}', tokenFile: '{token}', caFile: null}}\nvolumes:\n")
    for node in range(100):
        for slot in range(10):
            f.write(f"  - {{name: v{node}-{slot}, component: clickhouse, source: kubelet, pvc: d{node}-{slot}, pod: p{node}-{slot}}}\n")
PY
callgrind sample 120 "$BIN" sample --config "$WORK/kube.yaml" --output json
callgrind ttl 120 "$BIN" ttl plan
callgrind cleanup 120 "$BIN" cleanup --dry-run --threshold 1

for run in agent sample ttl cleanup; do
    [ -s "$WORK/$run.cg" ] || { echo "hot-functions: the $run run left no callgrind output; $OUT unchanged" >&2; exit 1; }
done
python3 - "$(basename "$BIN")" "$WORK"/{agent,sample,ttl,cleanup}.cg >"$WORK/order" <<'PY'
import re, sys
# callgrind names each object (ob=) and function (fn=) once, then refers to them as (id).
binary, order, seen = sys.argv[1], [], set()
for path in sys.argv[2:]:
    objects, functions, current = {}, {}, None
    for line in open(path, errors="replace"):
        match = re.match(r"^(c?ob|c?fn)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
        if not match:
            continue
        kind, key, name = match.groups()
        table = objects if kind.endswith("ob") else functions
        if name is not None:
            table[key] = name
        if kind == "ob":
            current = objects[key]
        elif kind == "fn" and current and current.endswith("/" + binary):
            symbol = re.sub(r"'\d+$", "", functions[key])  # callgrind's recursion suffix
            if symbol not in seen and not symbol.startswith("0x"):
                seen.add(symbol)
                order.append(symbol)
print("\n".join(order))
PY
[ -s "$WORK/order" ] || { echo "hot-functions: no function found; $OUT unchanged" >&2; exit 1; }
mv "$WORK/order" "$OUT"
echo "$OUT: $(wc -l <"$OUT") functions"
