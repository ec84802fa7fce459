#!/usr/bin/env bash
# Submits a thresh run to Slurm: an array of N partition scans, then the
# merge, which starts only if every scan succeeded.
#
#   deploy/slurm/submit.sh ARCHIVE PARTS FINAL N [-- extra sbatch options]
#
# ARCHIVE, PARTS and FINAL must be on storage every node sees. THRESH (the
# binary, default `thresh` on PATH) and SCAN_OPTIONS (e.g. "--format
# messages --split 90,5,5") are passed through the environment. Re-running
# is incremental: each part reads only what its slice gained, and the merge
# adds only new examples to FINAL. Prints the two job ids.
set -euo pipefail
if [ $# -lt 4 ]; then
    sed -n '2,12p' "$0" >&2
    exit 2
fi
archive="$1" parts="$2" final="$3" n="$4"
shift 4
[ "${1:-}" = "--" ] && shift
here="$(cd "$(dirname "$0")" && pwd)"
export ARCHIVE="$archive" PARTS="$parts" FINAL="$final" N="$n" THRESH="${THRESH:-thresh}" SCAN_OPTIONS="${SCAN_OPTIONS:-}"
scan=$(sbatch --parsable --array="0-$((n - 1))" --export=ALL "$@" "$here/thresh-scan.sbatch")
scan="${scan%%;*}"
merge=$(sbatch --parsable --dependency="afterok:$scan" --kill-on-invalid-dep=yes --export=ALL "$@" "$here/thresh-merge.sbatch")
echo "$scan $merge"
