#!/bin/sh
# Starts the hub service named by HUB_SERVICE with tracing preloaded, or runs the command given
# instead (the migration Job: `node libs/database/dist/migrate.cli.js`).
set -eu
if [ "$#" -gt 0 ]; then
  exec "$@"
fi
main="apps/${HUB_SERVICE:-}/dist/main.js"
if [ -z "${HUB_SERVICE:-}" ] || [ ! -f "$main" ]; then
  services=$(for m in apps/*/dist/main.js; do basename "$(dirname "$(dirname "$m")")"; done | tr '\n' ' ')
  echo "hub: HUB_SERVICE must name a service of this image: ${services}(got '${HUB_SERVICE:-}')" >&2
  exit 64
fi
export OTEL_SERVICE_NAME="${OTEL_SERVICE_NAME:-$HUB_SERVICE}"
# The V8 heap flags of every service, sized from the container's memory limit (libs/service/src/node-flags.ts).
# shellcheck disable=SC2046
exec node $(node libs/service/dist/node-flags.cli.js) --enable-source-maps --import @hub/telemetry/register "$main"
