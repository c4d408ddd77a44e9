#!/usr/bin/env bash
# Benchmark: one `lfmaint sample` cycle over 1,000 PVCs on 100 nodes, served from loopback by the
# recorded-shape kube API (scripts/fake_kube), against a baseline measured in the same run: the
# same job written as a plain Python script (list pods, fetch each node's Summary, compute usage).
# Goals: ≤ 0.5 s CPU and ≤ 30 MB peak RSS per cycle.
#   bench/sample-kubelet.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-5}"
WORK="$(mktemp -d)"
trap 'kill "$FAKE_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

BIN="$(swift build -c release --static-swift-stdlib --show-bin-path)/lfmaint"
bash scripts/build-release.sh >/dev/null # incremental: measures what the Dockerfile ships

echo "token-$$" >"$WORK/token"
python3 scripts/fake_kube/fake_kube.py --nodes 100 --pvcs-per-node 10 --token "token-$$" >"$WORK/fake.out" 2>/dev/null &
FAKE_PID=$!
for _ in $(seq 1 50); do grep -q '^port ' "$WORK/fake.out" 2>/dev/null && break; sleep 0.1; done
PORT="$(awk '/^port /{print $2}' "$WORK/fake.out")"

python3 - "$WORK/config.yaml" "$PORT" "$WORK/token" <<'PY'
import sys
path, port, token = sys.argv[1:]
with open(path, "w") as f:
    f.write(f"kubelet: {{apiServer: 'http://127.0.0.1:{port}', tokenFile: '{token}', caFile: null}}\nvolumes:\n")
    for node in range(100):
        for slot in range(10):
            n = f"node-{node:03d}"
            f.write(f"  - {{name: v-{n}-{slot}, component: minio, source: kubelet, pvc: data-{n}-{slot}, pod: app-{n}-{slot}}}\n")
PY

cat >"$WORK/baseline.py" <<'PY'
import json, sys, urllib.request
from concurrent.futures import ThreadPoolExecutor
server, token = sys.argv[1], open(sys.argv[2]).read().strip()
def get(path):
    request = urllib.request.Request(server + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)
pods = get("/api/v1/namespaces/langfuse/pods")["items"]
nodes = sorted({p["spec"]["nodeName"] for p in pods})
with ThreadPoolExecutor(8) as pool:
    summaries = list(pool.map(lambda n: get(f"/api/v1/nodes/{n}/proxy/stats/summary"), nodes))
out = []
for summary in summaries:
    for pod in summary["pods"]:
        for volume in pod.get("volume", []):
            if "pvcRef" in volume:
                cap, avail = volume["capacityBytes"], volume["availableBytes"]
                out.append({"pvc": volume["pvcRef"]["name"], "usagePercent": (cap - avail) / cap * 100})
json.dump(out, sys.stdout)
PY

measure() { # label command...: RUNS runs, prints median wall, CPU (user+sys) and peak RSS
  local label=$1; shift
  local rows=()
  "$@" >/dev/null 2>&1 || true # warm-up
  for _ in $(seq 1 "$RUNS"); do
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@" >"$WORK/out" 2>/dev/null || true
    rows+=("$(cat "$WORK/time")")
  done
  printf '%s\n' "${rows[@]}" | python3 -c "
import statistics, sys
rows = [list(map(float, line.split())) for line in sys.stdin if line.strip()]
wall = statistics.median(r[0] for r in rows); cpu = statistics.median(r[1] + r[2] for r in rows); rss = statistics.median(r[3] for r in rows) / 1024
print(f'$label {wall:.3f} {cpu:.3f} {rss:.1f}')"
}

LF=$(measure lfmaint "$BIN" sample --config "$WORK/config.yaml" --output json --top 0)
PY=$(measure baseline python3 "$WORK/baseline.py" "http://127.0.0.1:$PORT" "$WORK/token")
COUNT=$("$BIN" sample --config "$WORK/config.yaml" --output json --top 0 | python3 -c "import json,sys; v=json.load(sys.stdin); print(sum(1 for x in v if x['status']=='ok'), len(v))")

python3 - "$LF" "$PY" "$COUNT" "$RUNS" <<'PY'
import sys
lf, py, count, runs = sys.argv[1].split(), sys.argv[2].split(), sys.argv[3].split(), sys.argv[4]
print(f"one sampling cycle, 1,000 PVCs on 100 nodes from loopback, median of {runs} runs ({count[0]}/{count[1]} volumes ok)")
print(f"{'':10} {'wall s':>8} {'cpu s':>8} {'peak RSS MB':>12}")
for row in (lf, py):
    print(f"{row[0]:10} {row[1]:>8} {row[2]:>8} {row[3]:>12}")
print(f"{'ratio':10} {float(lf[1]) / float(py[1]):>8.2f} {float(lf[2]) / float(py[2]):>8.2f} {float(lf[3]) / float(py[3]):>12.2f}")
cpu_ok, rss_ok = float(lf[2]) <= 0.5, float(lf[3]) <= 30
print(f"goals: cpu <= 0.5 s {'met' if cpu_ok else 'MISSED'}, peak RSS <= 30 MB {'met' if rss_ok else 'MISSED'}")
PY
