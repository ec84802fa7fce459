#!/usr/bin/env bash
# The real thing on a real scheduler: starts a single-node Slurm cluster
# from Debian's packages (slurm-wlm, munge; proctrack/linuxproc and
# task/none, so no cgroups are needed in a container), submits
# deploy/slurm/submit.sh's array of 4 partition scans and the merge that
# depends on it, waits, and checks that FINAL holds exactly what one
# `thresh scan` of the same archive writes (shard lines and example
# records, byte for byte). Tears the cluster down whatever happens.
# Needs root (it runs slurmctld, slurmd and munged); skips without it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
thresh="$(realpath "${THRESH:-$root/.build/debug/thresh}")"
n="${SLURM_TEST_PARTS:-4}"

if [ "$(id -u)" != 0 ]; then echo "slurm: skipped (starting a cluster needs root)"; exit 0; fi
for tool in slurmctld slurmd sbatch munged mungekey; do
    command -v "$tool" >/dev/null || { echo "slurm: skipped ($tool missing: apt-get install slurm-wlm munge)"; exit 0; }
done

work="$(mktemp -d /tmp/thresh-slurm-XXXXXX)"
export SLURM_CONF="$work/slurm.conf"
teardown() {
    scancel --quiet --user=root 2>/dev/null || true
    for pid in "$work/slurmd.pid" "$work/slurmctld.pid" "$work/munge/munged.pid"; do
        [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true
    done
    sleep 1
    rm -rf "$work"
}
trap teardown EXIT

# munge with its own key and socket (nothing of the system's is touched).
mkdir -p "$work/munge" "$work/state" "$work/spool"
chmod 700 "$work/munge"
skip() { echo "slurm: skipped: $1 on this machine"; tail -n 20 "$work"/slurm*.log "$work"/munge/munged.log 2>/dev/null || true; exit 0; }
mungekey -c -k "$work/munge/munge.key" || skip "mungekey failed"
munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/munge.socket" \
    --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" --seed-file="$work/munge/munge.seed" \
    || skip "munged did not start"

host="$(hostname -s)"
cat > "$SLURM_CONF" <<CONF
ClusterName=threshtest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/munge.socket
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -f "$SLURM_CONF" || skip "slurmctld did not start"
slurmd -f "$SLURM_CONF" || skip "slurmd did not start"
for _ in $(seq 30); do sinfo -h -o %t 2>/dev/null | grep -q idle && break; sleep 1; done
# A machine where the daemons cannot run (no loopback, ports taken) is not
# thresh's failure: say why and skip; everything after this point must pass.
sinfo -h -o %t 2>/dev/null | grep -q idle || skip "the one-node cluster did not come up"

# An archive whose resumed sessions replay turns into files of other slices.
"$thresh" synth "$work/archive" --size 48MiB --seed 5 >/dev/null 2>&1
"$thresh" scan "$work/archive" -o "$work/single" --settle 0 --quiet

cd "$work"
started=$(date +%s.%N)
read -r scan merge < <(THRESH="$thresh" SCAN_OPTIONS="--settle 0" "$root/deploy/slurm/submit.sh" "$work/archive" "$work/parts" "$work/final" "$n")
echo "slurm: submitted array $scan (${n} scans) and merge $merge (afterok)"
state=""
for _ in $(seq 600); do
    state="$(scontrol show job "$merge" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2)"
    case "$state" in COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY) break ;; esac
    sleep 0.5
done
finished=$(date +%s.%N)
if [ "$state" != COMPLETED ]; then
    echo "slurm: merge job ended $state"
    cat "$work"/thresh-*.log 2>/dev/null || true
    exit 1
fi
for ((k = 0; k < n; k++)); do
    scontrol show job "${scan}_$k" 2>/dev/null | grep -q 'JobState=COMPLETED' || echo "slurm: (task $k already purged)"
done

same() { # $1 $2: folders; shard lines and records equal byte for byte
    for kind in shards state/model; do
        a="$(find "$1/$kind" -maxdepth 2 -name 'part-*' -type f | sort | xargs -r zstd -qdc | md5sum)"
        b="$(find "$2/$kind" -maxdepth 2 -name 'part-*' -type f | sort | xargs -r zstd -qdc | md5sum)"
        [ "$a" = "$b" ] || { echo "slurm: $kind of $1 and $2 differ"; return 1; }
    done
}
same "$work/final" "$work/single"
examples=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['examples'])" "$work/final/manifest.json")
"$thresh" verify "$work/final" >/dev/null
printf 'slurm: %d scans + merge in %.1f s on the cluster; FINAL = one scan (%d examples, lines and records identical)\n' \
    "$n" "$(awk "BEGIN { print $finished - $started }")" "$examples"
