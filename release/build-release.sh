#!/usr/bin/env bash
# The release build, the same here and in the Dockerfile: one binary with the Swift runtime inside,
# needing only libpq5, libcurl4 and ca-certificates at run time.
# Linked for a small resident set (bench/agent.sh measures it): lld puts the functions a run
# actually executes (release/lfmaint.order, made by release/hot-functions.sh) next to each other, so
# the kernel's 64 KB fault-around maps them and little else; packed relative relocations (glibc >= 2.36)
# and identical-code folding shrink what the loader touches; symbols stay out of the dynamic table.
# A stale order file only costs memory: names it lists that no longer exist are ignored.
# LFMAINT_KEEP_SYMBOLS=1 keeps the symbol table (release/hot-functions.sh needs it).
# LFMAINT_ORDER_FILE=FILE links with another order file, LFMAINT_ORDER_FILE= with none (bench/order-file.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
order="${LFMAINT_ORDER_FILE-$PWD/release/lfmaint.order}"
flags=(-c release --static-swift-stdlib -Xswiftc -Xfrontend -Xswiftc -function-sections
    -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs -Xlinker --icf=all -Xlinker --no-export-dynamic)
[ -z "$order" ] || flags+=(-Xlinker "--symbol-ordering-file=$order" -Xlinker --no-warn-symbol-ordering)
swift build "${flags[@]}" --product lfmaint
BIN="$(swift build -c release --static-swift-stdlib --show-bin-path)/lfmaint"
if [ "${LFMAINT_KEEP_SYMBOLS:-0}" = 1 ]; then strip --strip-debug "$BIN"; else strip "$BIN"; fi
echo "built $BIN"
