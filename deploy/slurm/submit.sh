#!/usr/bin/env bash
# Runs revshare as N shards on Slurm and merges them:
#
#   deploy/slurm/submit.sh [-n N] [-c CPUS] [-b BIN] [-o OUT] [-w] [-m MERGE_ARGS] -- RUN_ARGS...
#
#   -n N      shards (a job array of N tasks; default 4)
#   -c CPUS   CPUs (worker threads) per shard and for the merge (default 1)
#   -b BIN    the revshare binary, on a path every node sees (default: `revshare` on PATH)
#   -o OUT    output folder on a shared file system (default: ./revshare-out):
#             OUT/parts/part-I are the shards' partial results, OUT/results the
#             merged result folder (the files `revshare run --out` writes),
#             OUT/logs the jobs' logs
#   -w        wait until the merge has finished (exit 1 unless it succeeded)
#   -m ARGS   extra arguments of `revshare merge` (e.g. "--no-report")
#   RUN_ARGS  the arguments of `revshare run`: inputs, --paths, --seed, --vary...
#             (not --out, --shard, --threads; file paths absolute or relative to
#             the folder you submit from, which is where the jobs run)
#
# Submits `sbatch --array=0-(N-1) shard.sbatch RUN_ARGS` and then
# `sbatch --dependency=afterok:<array job> merge.sbatch`, and prints both job ids.
# Extra sbatch options (partition, account, time limit) go in SBATCH_* variables,
# e.g. SBATCH_PARTITION=compute SBATCH_TIMELIMIT=4:00:00.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
n=4 cpus=1 bin="" out="revshare-out" wait="" merge_args=""
while getopts "n:c:b:o:wm:" opt; do
    case "$opt" in
        n) n="$OPTARG" ;;
        c) cpus="$OPTARG" ;;
        b) bin="$OPTARG" ;;
        o) out="$OPTARG" ;;
        w) wait=1 ;;
        m) merge_args="$OPTARG" ;;
        *) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ "${1:-}" = "--" ] && shift
if ! [[ "$n" =~ ^[1-9][0-9]*$ ]]; then
    echo "submit.sh: -n takes a number of shards of at least 1, not \`$n\`" >&2
    exit 2
fi
bin="$(command -v "${bin:-revshare}")" || { echo "submit.sh: no revshare binary (give -b BIN)" >&2; exit 2; }
bin="$(realpath "$bin")"
mkdir -p "$out/logs" "$out/parts"
out="$(realpath "$out")"
# Parts of an earlier run in OUT would be merged with these: start clean.
rm -rf "$out/parts"/part-*
export REVSHARE_BIN="$bin" REVSHARE_OUT="$out" REVSHARE_SHARDS="$n"
array=$(sbatch --parsable --array="0-$((n - 1))" --cpus-per-task="$cpus" \
    --output="$out/logs/shard-%a.log" "$here/shard.sbatch" "$@")
array="${array%%;*}"
echo "shards: job array $array (tasks 0-$((n - 1)))"
# shellcheck disable=SC2086 # the merge's extra arguments are words
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes --cpus-per-task="$cpus" \
    --output="$out/logs/merge.log" "$here/merge.sbatch" $merge_args)
merge="${merge%%;*}"
echo "merge: job $merge, after every shard succeeds; results in $out/results"
if [ -n "$wait" ]; then
    # Polled every second (sbatch --wait polls ever less often, up to half a minute).
    state=PENDING
    while [[ "$state" =~ ^(PENDING|CONFIGURING|RUNNING|COMPLETING|SUSPENDED|REQUEUED|RESIZING)$ ]]; do
        sleep 1
        state=$(scontrol show job -o "$merge" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2) || state=""
    done
    if [ "$state" != COMPLETED ]; then
        echo "submit.sh: the merge ended ${state:-in an unknown state}; see $out/logs/ (a failed shard cancels it)" >&2
        exit 1
    fi
    echo "merge: done"
fi
