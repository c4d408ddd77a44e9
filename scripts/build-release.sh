#!/usr/bin/env bash
# The release build, the same here and in the Dockerfile: one binary with the Swift runtime inside,
# needing only libpq5, libcurl4 and ca-certificates at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib --product lfmaint
strip "$(swift build -c release --static-swift-stdlib --show-bin-path)/lfmaint" 2>/dev/null || true
echo "built $(swift build -c release --static-swift-stdlib --show-bin-path)/lfmaint"
