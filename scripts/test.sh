#!/usr/bin/env bash
# `npm test`: every tier in one vitest run (unit, integration against the real PostgreSQL and RabbitMQ, the real
# OpenStack CLI, the real browser). Extra arguments (`npm test -- server/db`) narrow the run.
set -euo pipefail
cd "$(dirname "$0")/.."

node scripts/ensure-ready.mjs --apt python3-openstackclient,python3-glanceclient,chromium,tempest --build-web
bash scripts/services-up.sh
# libvirtd for the real-VM tests (qemu:///system); without it (not root) those tests say they are skipped and why
bash scripts/libvirt-up.sh || echo "test.sh: libvirtd is not up; the qemu:///system tests will be skipped" >&2
exec npx vitest run "$@"
