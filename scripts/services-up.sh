#!/usr/bin/env bash
# Makes sure the machine's PostgreSQL (127.0.0.1:5432) and RabbitMQ (127.0.0.1:5672) that the integration tests use
# are up, starting them when they are down, and waits (bounded) until they accept connections.
# Used by .ci/run and scripts/test.sh.
set -euo pipefail

say() { echo "services-up: $*"; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pg_ready() {
  if command -v pg_isready >/dev/null; then pg_isready -q -h 127.0.0.1 -p 5432; else port_open 5432; fi
}

wait_for() { # wait_for <seconds> <what> <command...>
  local limit=$1 what=$2
  shift 2
  for ((i = 0; i < limit; i++)); do
    if "$@"; then return 0; fi
    sleep 1
  done
  say "$what not ready after ${limit}s"
  return 1
}

if pg_ready; then
  say "PostgreSQL accepting connections on 127.0.0.1:5432"
else
  say "PostgreSQL is down: starting it"
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || say "pg_ctlcluster $version main start failed"
  done
  wait_for 60 PostgreSQL pg_ready
  say "PostgreSQL started"
fi

if port_open 5672; then
  say "RabbitMQ accepting connections on 127.0.0.1:5672"
else
  say "RabbitMQ is down: starting it"
  # "already running" (a node up with its listener not yet open) is not an error: we wait for it below
  rabbitmq-server -detached || say "rabbitmq-server -detached failed; waiting anyway"
  wait_for 120 RabbitMQ timeout 15 rabbitmqctl -q await_startup
  wait_for 30 "RabbitMQ listener" port_open 5672
  say "RabbitMQ started"
fi
