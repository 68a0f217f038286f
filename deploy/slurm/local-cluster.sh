#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for trying deploy/slurm/ on a laptop
# and for CI. Needs root and Debian's packages (installed if missing):
#   apt-get install slurm-wlm munge
#
#   deploy/slurm/local-cluster.sh run COMMAND [ARGS...]
#       starts the cluster, runs COMMAND with SLURM_CONF set (sbatch, squeue, sinfo
#       then talk to it), and stops the daemons it started, whatever COMMAND does;
#       exits with COMMAND's status.
#   deploy/slurm/local-cluster.sh start DIR   starts it with its files in DIR
#   deploy/slurm/local-cluster.sh stop DIR    stops the daemons started in DIR
#
# The cluster: munged (as the munge user, with a fresh key), slurmctld -i and
# slurmd, one node named after `hostname -s` with this machine's CPUs, one
# partition, no accounting; every state, spool, log and socket file in DIR.
set -euo pipefail

install_packages() {
    if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q slurm-wlm munge >/dev/null 2>&1 ||
            { apt-get update -q >/dev/null && apt-get install -y -q slurm-wlm munge >/dev/null; }
    fi
}

start() {
    local dir="$1" host cpus
    host="$(hostname -s)"
    cpus="${CPUS:-$(nproc)}"
    install_packages
    mkdir -p "$dir"/{munge,state,spool}
    chmod 755 "$dir"
    # munged refuses a key or socket folder others may write to.
    chown munge:munge "$dir/munge"
    chmod 700 "$dir/munge"
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
    chown munge:munge "$dir/munge/munge.key"
    chmod 400 "$dir/munge/munge.key"
    runuser -u munge -- munged --force \
        --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
        --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
        --seed-file="$dir/munge/munged.seed"
    # The socket's folder must be reachable by the daemons and the clients.
    chmod 711 "$dir/munge"
    cat >"$dir/slurm.conf" <<CONF
ClusterName=revshare
SlurmctldHost=$host
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
SlurmctldPort=${SLURMCTLD_PORT:-6817}
SlurmdPort=${SLURMD_PORT:-6818}
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/builtin
# Dependencies (the merge after the shards) are checked every second, not every minute.
SchedulerParameters=sched_interval=1
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF="$dir/slurm.conf"
    slurmctld -i
    slurmd
    for _ in $(seq 1 60); do
        if sinfo -h -N -o '%t' 2>/dev/null | grep -qx 'idle'; then
            echo "slurm: node $host idle ($cpus CPUs); SLURM_CONF=$SLURM_CONF" >&2
            return 0
        fi
        sleep 1
    done
    echo "slurm: the node did not come up idle within 60 s; logs in $dir" >&2
    sinfo -N >&2 || true
    tail -n 20 "$dir"/slurmctld.log "$dir"/slurmd.log >&2 || true
    return 1
}

stop() {
    local dir="$1" pidfile pid
    for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
        [ -f "$pidfile" ] || continue
        pid="$(cat "$pidfile")"
        kill "$pid" 2>/dev/null || continue
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    done
}

case "${1:-}" in
    start) start "$2" ;;
    stop) stop "$2" ;;
    run)
        shift
        dir="$(mktemp -d /tmp/revshare-slurm.XXXXXX)"
        trap 'stop "$dir"; rm -rf "$dir"' EXIT
        start "$dir"
        export SLURM_CONF="$dir/slurm.conf"
        status=0
        "$@" || status=$?
        exit "$status"
        ;;
    *)
        sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac
