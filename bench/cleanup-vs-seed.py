#!/usr/bin/env python3
"""Benchmark: time to relief and peak usage of `lfmaint cleanup --threshold 90` against the seed
design's method (ALTER TABLE … DELETE older than 30 days on each table, then OPTIMIZE TABLE … FINAL),
each on the same freshly filled filesystem: a 256 MB tmpfs holding the real ClickHouse engine (see
chdb_volume.py), Langfuse's tables with 120 days of rows, filled past 92%. Needs root (mount) and the
venv from testing/install-deps.sh. Run through bench/cleanup-vs-seed.sh."""
import sys, time
from chdb_volume import Volume, lfmaint, measure, seed

PYTHON, BIN = sys.argv[1], sys.argv[2]
THRESHOLD, TARGET = 90, 80


def fill(volume):
    while volume.usage < 92:
        volume.query("INSERT INTO default.traces (id, timestamp, input, name, project_id, event_ts, is_deleted) "
                     "SELECT toString(rand64()), now64(3) - toIntervalSecond(rand() % (120 * 86400)), randomPrintableASCII(400), "
                     "'t', 'p', now64(3), 0 FROM numbers(2000)")
        volume.query("INSERT INTO default.observations (id, start_time, input, trace_id, project_id, type, name, event_ts, is_deleted) "
                     "SELECT toString(rand64()), now64(3) - toIntervalSecond(rand() % (120 * 86400)), randomPrintableASCII(400), 'x', 'p', "
                     "'GENERATION', 'o', now64(3), 0 FROM numbers(2000)")
    # Let merges catch up before measuring, so that the measurement sees the method, not the backlog.
    quiet = 0
    for _ in range(300):
        quiet = quiet + 1 if volume.query("SELECT count() FROM system.merges").strip() == "0" else 0
        if quiet >= 5:
            break
        time.sleep(0.2)
    volume.query("SYSTEM FLUSH LOGS")


results = {}
methods = (("lfmaint", lambda v: lfmaint(BIN, v, THRESHOLD, TARGET), 18931),
           ("seed", lambda v: seed(v, (("traces", "timestamp"), ("observations", "start_time")), 60), 18932))
for name, action, port in methods:
    volume = Volume(PYTHON, port)
    try:
        fill(volume)
        results[name] = measure(volume, lambda: action(volume), THRESHOLD, TARGET)
    finally:
        volume.close()
    print(f"{name} done", file=sys.stderr, flush=True)

print(f"cleanup of a 256 MB filesystem filled past 92% with 120 days of Langfuse rows; target {TARGET}%")
print(f"{'method':8} {'start %':>8} {'peak %':>8} {'end %':>8} {'relief s':>9} {'wall s':>8}  outcome")
for name, r in results.items():
    relief = f"{r['relief']:.2f}" if r["relief"] is not None else "never"
    print(f"{name:8} {r['start']:8.1f} {r['peak']:8.1f} {r['end']:8.1f} {relief:>9} {r['wall']:8.2f}  {r['note']}")
lf, sd = results["lfmaint"], results["seed"]
if lf["relief"] and sd["relief"]:
    print(f"time to relief: seed / lfmaint = {sd['relief'] / lf['relief']:.1f}x")
elif lf["relief"]:
    print(f"time to relief: the seed method never reached {TARGET}% (lfmaint: {lf['relief']:.2f} s)")
print(f"peak above start: lfmaint {lf['peak'] - lf['start']:+.2f} points, seed {sd['peak'] - sd['start']:+.2f} points")
