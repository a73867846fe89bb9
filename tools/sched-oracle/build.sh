#!/usr/bin/env bash
# Build sched-oracle into $OUT (default ~/.cache/rudder/sched-oracle/bin), niced: the machine
# is small. Cold Go cache: several minutes (it compiles kube-scheduler's packages); warm: seconds.
set -euo pipefail
cd "$(dirname "$0")"
OUT=${OUT:-${XDG_CACHE_HOME:-$HOME/.cache}/rudder/sched-oracle/bin}
V=v1.36.3   # must match the k8s.io/kubernetes version in go.mod
mkdir -p "$OUT"
CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags "-s -w -X main.version=$V" -o "$OUT/sched-oracle" .
echo "$OUT/sched-oracle"
