#!/usr/bin/env bash
# Runs the shell's pseudo-terminal test many times in a row while every
# core is kept busy, to show it does not depend on the machine being idle
# (it once failed under load: Ctrl-C arrived while a long pasted line was
# still being echoed).
#
#   bash cmd/ctlake/testdata/shell-under-load.sh [RUNS] [BURNERS_PER_CORE]
#
# RUNS defaults to 30, BURNERS_PER_CORE to 4: 4 × nproc busy processes
# (`yes > /dev/null`) at normal priority, started here and stopped on exit.
set -euo pipefail
runs=${1:-30}
per_core=${2:-4}
cd "$(dirname "$0")/../../.."

go test -c -o /tmp/ctlake-shell-load.test ./cmd/ctlake # build before loading the machine

burners=()
stop() { kill "${burners[@]}" 2>/dev/null || true; }
trap stop EXIT
for _ in $(seq $((per_core * $(nproc)))); do
	yes > /dev/null &
	burners+=($!)
done
echo "$(date -u +%FT%TZ): ${#burners[@]} CPU burners on $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"

cd cmd/ctlake
log=/tmp/ctlake-shell-load.log
start=$(date +%s)
status=0
/tmp/ctlake-shell-load.test -test.run '^TestShellTerminal$' -test.count "$runs" -test.v -test.timeout 60m > "$log" 2>&1 || status=$?
pass=$(grep -c '^--- PASS: TestShellTerminal ' "$log" || true)
fail=$(grep -c '^--- FAIL: TestShellTerminal ' "$log" || true)
echo "$(date -u +%FT%TZ): $pass of $runs runs passed, $fail failed, in $(( $(date +%s) - start ))s; load: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -oE '^--- PASS: TestShellTerminal \([0-9.]+s\)' "$log" | grep -oE '[0-9.]+s' | tr '\n' ' ' && echo
if [ "$status" -ne 0 ]; then
	echo "failures: see $log"
	exit "$status"
fi
rm -f /tmp/ctlake-shell-load.test "$log"
