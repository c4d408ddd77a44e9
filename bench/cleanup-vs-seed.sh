#!/usr/bin/env bash
# Benchmark: lfmaint cleanup against the seed design's ALTER DELETE + OPTIMIZE FINAL on the same
# nearly full filesystem (see cleanup-vs-seed.py). Needs root to mount the tmpfs.
set -euo pipefail
cd "$(dirname "$0")/.."
source testing/common.sh
bash release/build-release.sh >/dev/null
exec python3 bench/cleanup-vs-seed.py "$LFMAINT_VENV/bin/python" "$(swift build -c release --static-swift-stdlib --show-bin-path)/lfmaint"
