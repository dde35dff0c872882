#!/usr/bin/env bash
# The reference proxy for `bench overhead`: nginx from Debian's packages in front of the same inference cells, with
# consistent hashing on the session header, bound to loopback only.
#
#   bench/nginx-proxy.sh start DIR PORT CELL_URL...   install nginx if missing, write DIR/nginx.conf, start it
#                                                     (daemon, pid file in DIR), wait until it answers
#   bench/nginx-proxy.sh stop DIR                     stop the nginx started in DIR
set -euo pipefail

NGINX=${NGINX:-}

find_nginx() {
    if [ -n "$NGINX" ]; then return 0; fi
    NGINX=$(command -v nginx || true)
    [ -n "$NGINX" ] || { [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx; } || true
}

install_nginx() {
    find_nginx
    [ -z "$NGINX" ] || return 0
    echo "Installing nginx from Debian's packages ..." >&2
    # Debian starts a service on install (nginx on port 80, all interfaces); a policy-rc.d that says no prevents it.
    local added_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        added_policy=1
    fi
    local status=0
    {
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light >&2 ||
            { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light >&2; } ||
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx >&2
    } || status=$?
    [ -z "$added_policy" ] || rm -f /usr/sbin/policy-rc.d
    [ "$status" -eq 0 ] || { echo "Could not install nginx (apt-get failed)" >&2; exit 1; }
    find_nginx
    [ -n "$NGINX" ] || { echo "nginx was installed but is not on the PATH" >&2; exit 1; }
}

write_config() {
    local dir=$1 port=$2
    shift 2
    local servers="" cell
    for cell in "$@"; do
        servers+="        server ${cell#http://};"$'\n'
    done
    mkdir -p "$dir/logs" "$dir/temp"
    cat >"$dir/nginx.conf" <<CONF
# Written by bench/nginx-proxy.sh for \`bench overhead\`: the same cells as the gateway, consistent hashing on the
# session header (as Warmpath's consistent-hash policy), streaming unbuffered, keep-alive to the upstreams.
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;

events {
    worker_connections 4096;
}

http {
    access_log off;
    client_body_temp_path $dir/temp/client;
    proxy_temp_path $dir/temp/proxy;
    fastcgi_temp_path $dir/temp/fastcgi;
    uwsgi_temp_path $dir/temp/uwsgi;
    scgi_temp_path $dir/temp/scgi;
    keepalive_requests 100000;

    upstream cells {
        hash \$http_x_session_affinity consistent;
$servers        keepalive 64;
    }

    server {
        listen 127.0.0.1:$port;

        location / {
            proxy_pass http://cells;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_buffering off;
            proxy_request_buffering off;
            proxy_read_timeout 300s;
        }
    }
}
CONF
}

start() {
    [ "$#" -ge 3 ] || { echo "usage: $0 start DIR PORT CELL_URL..." >&2; exit 2; }
    local dir=$1 port=$2
    install_nginx
    write_config "$@"
    # -e: the error log from the first line on, not the package's default path.
    "$NGINX" -q -t -e "$dir/logs/error.log" -p "$dir" -c "$dir/nginx.conf"
    "$NGINX" -e "$dir/logs/error.log" -p "$dir" -c "$dir/nginx.conf"
    local deadline=$((SECONDS + 10))
    # Any HTTP answer will do (the cells have no route at /): nginx is listening.
    until curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; do
        [ "$SECONDS" -lt "$deadline" ] || { echo "nginx did not start; see $dir/logs/error.log" >&2; exit 1; }
        sleep 0.2
    done
    echo "nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///') on 127.0.0.1:$port -> $(($# - 2)) cells"
}

stop() {
    [ "$#" -eq 1 ] || { echo "usage: $0 stop DIR" >&2; exit 2; }
    local pid_file=$1/nginx.pid pid
    [ -f "$pid_file" ] || return 0
    pid=$(cat "$pid_file")
    # The master quits gracefully on SIGQUIT and takes its workers with it.
    kill -QUIT "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 10))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null || true
}

command=${1:-}
shift || true
case "$command" in
    start) start "$@" ;;
    stop) stop "$@" ;;
    *) sed -n '2,7s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac
