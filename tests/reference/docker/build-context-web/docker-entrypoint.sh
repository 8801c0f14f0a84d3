#!/bin/sh
# stand-in for nginx's docker-entrypoint.sh
set -e
echo "$0: Configuration complete; ready for start up"
exec "$@"
