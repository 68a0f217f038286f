#!/usr/bin/env bash
# Runs revshare as N shards on Kubernetes and merges them, with kubectl pointed at
# your cluster and the image revshare:0.1.0 pushed where it can pull it:
#
#   deploy/kubernetes/run.sh N SCENARIOS.csv TERMS.csv [RUN]
#
# Creates the PVC (if missing) and the ConfigMap revshare-inputs from the two files,
# starts the Indexed Job revshare-shards with N completions, waits for it, then
# starts revshare-merge and waits for it. The results are in the volume under
# /data/RUN/results (RUN defaults to run-1); copy them out with a pod mounting it.
# Edit PATHS, SEED and THREADS in shards-job.yaml first.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
n="${1:?number of shards}" scenarios="${2:?scenario file}" terms="${3:?terms file}" run="${4:-run-1}"
# Waits until job $1 has completed (returns 0) or failed (prints why, exits 1),
# for at most $2 seconds: `kubectl wait --for=condition=complete` alone would sit
# out its whole timeout on a job that failed.
wait_for() {
    local job="$1" left="$2" state pod
    while ((left > 0)); do
        # A passing error of the API server is retried, not fatal.
        state="$(kubectl get job "$job" -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type} {end}')" \
            || state=""
        case " $state " in
            *" Complete "*) return 0 ;;
            *" Failed "*)
                echo "job $job failed:" >&2
                # The log of a pod that failed, not of whichever pod kubectl picks.
                pod="$(kubectl get pods -l job-name="$job" --field-selector=status.phase=Failed -o name | head -n 1)" \
                    || pod=""
                kubectl logs "${pod:-job/$job}" --tail=20 >&2 || true
                exit 1
                ;;
        esac
        sleep 10
        left=$((left - 10))
    done
    echo "job $job did not finish within $2 s" >&2
    exit 1
}

kubectl apply -f "$here/pvc.yaml"
kubectl create configmap revshare-inputs --from-file=scenarios.csv="$scenarios" --from-file=terms.csv="$terms" \
    --dry-run=client -o yaml | kubectl apply -f -
kubectl delete job revshare-shards revshare-merge --ignore-not-found
sed -e "s/^  completions: .*/  completions: $n/" -e "s/^  parallelism: .*/  parallelism: $n/" \
    -e "/name: SHARDS/{n;s/value: .*/value: \"$n\"/}" -e "/name: RUN/{n;s/value: .*/value: \"$run\"/}" \
    "$here/shards-job.yaml" | kubectl apply -f -
wait_for revshare-shards 86400
sed -e "/name: SHARDS/{n;s/value: .*/value: \"$n\"/}" -e "/name: RUN/{n;s/value: .*/value: \"$run\"/}" \
    "$here/merge-job.yaml" | kubectl apply -f -
wait_for revshare-merge 3600
kubectl logs job/revshare-merge | tail -n 3
