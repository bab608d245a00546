#!/usr/bin/env bash
# bench-s3.sh: `ctlake ingest s3://...` against `ctlake ingest DIR` on the
# same generated trail, interleaved, median of N runs each, with peak RSS
# from GNU time. The bucket is served on a loopback port by s3serve
# (gofakes3, in-memory, whole-object GETs from preloaded memory;
# internal/s3fake/s3serve), in its own process, on the same cores: its CPU
# during each S3 run is reported apart (real S3 costs the host nothing).
# S3_SERVER_FLAGS=--gofakes3-gets serves every GET through gofakes3.
# PEER=path/to/ctlake also runs another build (say main's) on the same
# trail and server, interleaved round by round, as kinds local-peer and
# s3-peer (PEER_LOCAL=0: its S3 ingest only). Each ingest's files written
# are printed. CPU_RATIO: local CPU / (S3 CPU + server CPU), which is the
# rate ratio on an idle host where both ingests are CPU-bound.
#
#   scripts/bench-s3.sh [EVENTS] [RUNS]     (default 1000000 and 3)
#
# Needs /usr/bin/time (apt-get install -y time). Work files go to
# ${BENCH_DIR:-/tmp/ctlake-bench-s3}; the generated trail is kept there
# between runs. Not part of CI: 1M events take minutes.
set -euo pipefail
EVENTS=${1:-1000000}
RUNS=${2:-3}
MEM=${MEMORY_LIMIT:-512MiB}
DIR=${BENCH_DIR:-/tmp/ctlake-bench-s3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$DIR"
cd "$ROOT"
go build -o "$DIR/ctlake" ./cmd/ctlake
go build -o "$DIR/s3serve" ./internal/s3fake/s3serve
TRAIL=${TRAIL:-$DIR/trail-$EVENTS} # TRAIL=DIR: an existing trail (gen --layout s3) instead
if [ ! -d "$TRAIL" ]; then
  "$DIR/ctlake" gen --events "$EVENTS" --seed 1 --layout s3 --out "$TRAIL"
fi
# shellcheck disable=SC2086
"$DIR/s3serve" --dir "$TRAIL" --bucket bench ${S3_SERVER_FLAGS:-} >"$DIR/url" 2>"$DIR/s3serve.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT
for _ in $(seq 1 600); do [ -s "$DIR/url" ] && break; sleep 0.1; done
URL=$(cat "$DIR/url")
cat "$DIR/s3serve.log"
TICK=$(getconf CLK_TCK)
# server_cpu: s3serve's user+system CPU seconds so far.
server_cpu() { awk -v t="$TICK" '{ print ($14 + $15) / t }' "/proc/$SERVER/stat"; }
echo "s3serve CPU to load the bucket: $(server_cpu) s"
uptime
export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench AWS_SESSION_TOKEN= AWS_REGION=us-east-1 \
  AWS_PROFILE= AWS_CA_BUNDLE= AWS_EC2_METADATA_DISABLED=true \
  AWS_CONFIG_FILE="$DIR/none" AWS_SHARED_CREDENTIALS_FILE="$DIR/none"

# run KIND: one ingest into a fresh store; prints
# "KIND wall_s events rss_kib cpu_s server_cpu_s" (cpu: user+sys of ctlake
# alone; server: s3serve's CPU during the run).
run() {
  local kind=$1 data="$DIR/data-$1" src bin="$DIR/ctlake"
  rm -rf "$data"
  case $kind in *-peer) bin=$PEER ;; esac
  if [ "${kind%-peer}" = s3 ]; then
    src=(--endpoint-url "$URL" --path-style s3://bench/)
  else
    src=("$TRAIL")
  fi
  local s0
  s0=$(server_cpu)
  /usr/bin/time -f "%e %M %U %S" -o "$DIR/time" "$bin" ingest --data "$data" --store bench --create --quiet \
    --memory-limit "$MEM" "${src[@]}" >"$DIR/out-$kind" 2>&1 || { cat "$DIR/out-$kind"; exit 1; }
  local events files
  events=$(sed -n 's/.*ingested \([0-9]*\) events.*/\1/p' "$DIR/out-$kind" | head -1)
  files=$(find "$data" -name '*.orc' | wc -l)
  read -r wall rss user sys <"$DIR/time"
  echo "$kind $wall $events $rss $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') $(awk -v a="$s0" -v b="$(server_cpu)" 'BEGIN { print b - a }') $files"
}

: >"$DIR/results"
for i in $(seq 1 "$RUNS"); do
  run local | tee -a "$DIR/results"
  run s3 | tee -a "$DIR/results"
  if [ -n "${PEER:-}" ]; then
    [ "${PEER_LOCAL:-1}" = 0 ] || run local-peer | tee -a "$DIR/results"
    run s3-peer | tee -a "$DIR/results"
  fi
done
grep -h 'LIST calls\|requests' "$DIR/out-s3" || true
echo "s3serve CPU in all: $(server_cpu) s"
uptime
awk -v mem="$MEM" '
  { wall[$1] = wall[$1] " " $2; rate[$1] = rate[$1] " " ($3 / $2); cpu[$1] = cpu[$1] " " $5; srv[$1] = srv[$1] " " $6; files[$1] = $7; if ($4 > rss[$1]) rss[$1] = $4 }
  function median(s,   a, n, i, j, t) {
    n = split(s, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    for (k in wall) printf "%-10s median wall %6.2f s  median rate %9.0f events/s  median CPU %6.1f s  server CPU %5.1f s  peak RSS %.2f GiB  files %d\n", k, median(wall[k]), median(rate[k]), median(cpu[k]), median(srv[k]), rss[k] / 1048576, files[k]
    printf "s3/local rate: %.2f; ctlake CPU s3/local: %.2f; memory limit %s (x2 is the bound)\n", median(rate["s3"]) / median(rate["local"]), median(cpu["s3"]) / median(cpu["local"]), mem
    printf "CPU_RATIO local / (s3 + server): %.3f\n", median(cpu["local"]) / (median(cpu["s3"]) + median(srv["s3"]))
    if ("s3-peer" in wall) {
      lp = ("local-peer" in wall) ? "local-peer" : "local"
      printf "CPU_RATIO peer: %s / (s3-peer + server): %.3f\n", lp, median(cpu[lp]) / (median(cpu["s3-peer"]) + median(srv["s3-peer"]))
    }
  }' "$DIR/results"
