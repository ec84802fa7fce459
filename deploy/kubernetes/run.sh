#!/usr/bin/env bash
# One nightly round on Kubernetes: the Indexed Job of partition scans, then,
# once it completed, the merge Job. Jobs are immutable, so the previous
# round's are deleted first (their output folders stay: every round is
# incremental). Run it from a CronJob or cron with kubectl configured.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
kubectl delete job thresh-scan thresh-merge --ignore-not-found
kubectl apply -f "$here/scan-indexed-job.yaml"
kubectl wait --for=condition=complete job/thresh-scan --timeout="${TIMEOUT:-6h}"
kubectl apply -f "$here/merge-job.yaml"
kubectl wait --for=condition=complete job/thresh-merge --timeout="${TIMEOUT:-6h}"
