#!/usr/bin/env bash
# Benchmark: one `lfmaint sample --output json` cycle over 100, 1,000 and 10,000 PVCs (10 per node),
# served from loopback by the recorded-shape kube API (testing/fake_kube), against a baseline measured
# in the same run, the two taking turns: the same job written as a plain Python script (list pods, fetch
# each node's Summary eight at a time, compute usage, print JSON).
# Goals: at 1,000 PVCs lfmaint's wall and CPU at most half the script's; CPU per PVC at 10,000 within
# 1.5x of that at 1,000 (the cost grows linearly).
#   bench/sample-kubelet.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-5}"
WORK="$(mktemp -d)"
FAKE_PID=""
trap '[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null; rm -rf "$WORK"' EXIT

bash release/build-release.sh >/dev/null # incremental: measures what the Dockerfile ships
BIN="$(swift build -c release --static-swift-stdlib --show-bin-path)/lfmaint"
echo "token-$$" >"$WORK/token"

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

run_once() { # label command...: one run, its wall, CPU (user+sys) and peak RSS appended to WORK/label
  local label=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@" >"$WORK/out" 2>/dev/null || true
  cat "$WORK/time" >>"$WORK/$label"
}

for nodes in 10 100 1000; do
  python3 testing/fake_kube/fake_kube.py --nodes "$nodes" --pvcs-per-node 10 --token "token-$$" >"$WORK/fake.out" 2>/dev/null &
  FAKE_PID=$!
  for _ in $(seq 1 50); do grep -q '^port ' "$WORK/fake.out" 2>/dev/null && break; sleep 0.1; done
  PORT="$(awk '/^port /{print $2}' "$WORK/fake.out")"
  python3 - "$WORK/config.yaml" "$PORT" "$WORK/token" "$nodes" <<'PY'
import sys
path, port, token, nodes = sys.argv[1:]
with open(path, "w") as f:
    f.write(f"kubelet: {{apiServer: 'http://127.0.0.1:{port}', tokenFile: '{token}', caFile: null}}\nvolumes:\n")
    for node in range(int(nodes)):
        for slot in range(10):
            n = f"node-{node:03d}"
            f.write(f"  - {{name: v-{n}-{slot}, component: minio, source: kubelet, pvc: data-{n}-{slot}, pod: app-{n}-{slot}}}\n")
PY
  LF=("$BIN" sample --config "$WORK/config.yaml" --output json --top 0)
  PY=(python3 "$WORK/baseline.py" "http://127.0.0.1:$PORT" "$WORK/token")
  "${LF[@]}" >/dev/null 2>&1 || true # warm-up: the fake renders each Summary once
  "${PY[@]}" >/dev/null 2>&1 || true
  : >"$WORK/lfmaint-$nodes"; : >"$WORK/baseline-$nodes"
  for _ in $(seq 1 "$RUNS"); do
    run_once "lfmaint-$nodes" "${LF[@]}"
    run_once "baseline-$nodes" "${PY[@]}"
  done
  "${LF[@]}" | python3 -c "import json,sys; v=json.load(sys.stdin); print(sum(1 for x in v if x['status']=='ok'), len(v))" \
    >"$WORK/count-$nodes"
  kill "$FAKE_PID"; wait "$FAKE_PID" 2>/dev/null || true; FAKE_PID=""
done

python3 - "$WORK" "$RUNS" <<'PY'
import statistics, sys
work, runs = sys.argv[1], sys.argv[2]
def medians(name):
    rows = [list(map(float, line.split())) for line in open(f"{work}/{name}") if line.strip()]
    wall, cpu, rss = (statistics.median(values) for values in zip(*((r[0], r[1] + r[2], r[3]) for r in rows)))
    return wall, cpu, rss / 1024
print(f"one `lfmaint sample` cycle against a plain Python script doing the same job, 10 PVCs per node, from loopback; "
      f"median of {runs} runs each, taking turns")
print(f"{'PVCs':>6} {'nodes':>6} | {'lfmaint wall s':>14} {'cpu s':>7} {'RSS MB':>7} | {'script wall s':>13} {'cpu s':>7} {'RSS MB':>7} | "
      f"{'wall ratio':>10} {'cpu ratio':>9} | {'lfmaint cpu ms/PVC':>18}  ok")
per_pvc = {}
ratios = {}
for nodes in (10, 100, 1000):
    lf, py = medians(f"lfmaint-{nodes}"), medians(f"baseline-{nodes}")
    pvcs = nodes * 10
    ok, total = open(f"{work}/count-{nodes}").read().split()
    per_pvc[pvcs] = lf[1] / pvcs * 1000
    ratios[pvcs] = (lf[0] / py[0], lf[1] / py[1])
    print(f"{pvcs:>6} {nodes:>6} | {lf[0]:>14.3f} {lf[1]:>7.3f} {lf[2]:>7.1f} | {py[0]:>13.3f} {py[1]:>7.3f} {py[2]:>7.1f} | "
          f"{ratios[pvcs][0]:>10.2f} {ratios[pvcs][1]:>9.2f} | {per_pvc[pvcs]:>18.4f}  {ok}/{total}")
wall, cpu = ratios[1000]
growth = per_pvc[10000] / per_pvc[1000]
print(f"goals: at 1,000 PVCs wall ratio {wall:.2f} and cpu ratio {cpu:.2f} <= 0.5 {'met' if max(wall, cpu) <= 0.5 else 'MISSED'}; "
      f"cpu per PVC at 10,000 is {growth:.2f}x that at 1,000 (<= 1.5x {'met' if growth <= 1.5 else 'MISSED'})")
PY
