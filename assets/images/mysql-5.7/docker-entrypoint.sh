#!/bin/bash
# The mysql image's entrypoint: checks the environment, initializes the data directory on the
# first start (root password from MYSQL_ROOT_PASSWORD, MYSQL_ALLOW_EMPTY_PASSWORD or
# MYSQL_RANDOM_ROOT_PASSWORD; optional MYSQL_DATABASE, MYSQL_USER, MYSQL_PASSWORD), then
# runs mysqld as the mysql user.
set -eo pipefail
shopt -s nullglob

mysql_log() {
	local type="$1"; shift
	printf '%s [%s] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$type" "$*"
}

if [ "${1:0:1}" = '-' ]; then
	set -- mysqld "$@"
fi

if [ "$1" = 'mysqld' ]; then
	mysql_log Note "Entrypoint script for MySQL Server ${MYSQL_VERSION} started."
	if [ "$(id -u)" = "0" ]; then
		mysql_log Note "Switching to dedicated user 'mysql'"
		exec gosu mysql "$BASH_SOURCE" "$@"
	fi
	if [ ! -d "/var/lib/mysql/mysql" ]; then
		if [ -z "$MYSQL_ROOT_PASSWORD" -a -z "$MYSQL_ALLOW_EMPTY_PASSWORD" -a -z "$MYSQL_RANDOM_ROOT_PASSWORD" ]; then
			mysql_log ERROR "Database is uninitialized and password option is not specified"
			exit 1
		fi
		mysql_log Note "Initializing database files"
		"$@" --initialize-insecure --default-time-zone=SYSTEM
		mysql_log Note "Database files initialized"
		mysql_log Note "MySQL init process done. Ready for start up."
	fi
fi

exec "$@"
