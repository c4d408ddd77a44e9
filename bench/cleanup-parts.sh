#!/usr/bin/env bash
# Benchmark: lfmaint cleanup against the seed design on full filesystems whose expired partitions hold
# 10, 100 and 2,000 unmerged parts (see cleanup-parts.py). Needs root to mount the tmpfs.
#   bench/cleanup-parts.sh [parts ...]
set -euo pipefail
cd "$(dirname "$0")/.."
source testing/common.sh
bash release/build-release.sh >/dev/null
BIN="$(swift build -c release --static-swift-stdlib --show-bin-path)/lfmaint"
exec python3 bench/cleanup-parts.py "$LFMAINT_VENV/bin/python" "$BIN" "$@"
