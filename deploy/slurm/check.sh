#!/usr/bin/env bash
# CI's end-to-end check of deploy/slurm/: starts a one-node Slurm cluster on this
# machine (local-cluster.sh, as root), runs a small sweep as 3 shards through
# submit.sh (a job array and a dependent merge job), and compares the merged
# folder with a single run's, byte for byte (the manifest without its wall time
# and threads). The daemons are stopped whatever happens.
#
#   deploy/slurm/check.sh [BIN]     (default: target/debug/revshare, built if missing)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${1:-target/debug/revshare}"
[ -x "$bin" ] || cargo build --locked --bin revshare
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
args=(--paths 2000 --seed 11 --vary base:discount_rate=0.075,0.109)
start=$SECONDS
deploy/slurm/local-cluster.sh run deploy/slurm/submit.sh -n 3 -b "$bin" -o "$work/slurm" -w -- "${args[@]}"
"$bin" run "${args[@]}" --quiet --out "$work/single" >/dev/null
normalise() { grep -v -e '"wall_seconds"' -e '"threads"' "$1"; }
diff <(normalise "$work/single/manifest.json") <(normalise "$work/slurm/results/manifest.json")
diff -r -x manifest.json "$work/single" "$work/slurm/results"
files=$(find "$work/single" -type f | wc -l)
echo "slurm end to end: 3 shards (job array) + merge (afterok) give the single run's $files files byte for byte ($((SECONDS - start)) s)"
