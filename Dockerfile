# syntax=docker/dockerfile:1
# One image for every hub service. The service is chosen at run time by HUB_SERVICE (default: the
# build argument SERVICE), e.g. `docker run -e HUB_SERVICE=sensor hub`; any other command given to
# the container runs instead (`docker run hub node libs/database/dist/migrate.cli.js`).

ARG NODE_IMAGE=node:20-slim

# 1. Build: every workspace compiled with the dev toolchain.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY libs ./libs
COPY apps ./apps
RUN npm ci --no-audit --no-fund --ignore-scripts && npx tsc -b

# 2. Production dependencies only (the workspace links under node_modules/@hub point at libs/ and apps/).
FROM ${NODE_IMAGE} AS deps
WORKDIR /src
COPY package.json package-lock.json ./
COPY --from=build /src/libs ./libs
COPY --from=build /src/apps ./apps
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts \
  && find libs apps -mindepth 2 -maxdepth 2 \( -name src -o -name tsconfig.json -o -name '*.tsbuildinfo' \) -prune -exec rm -rf {} +

# 3. Runtime: Node 20 slim, compiled code and production dependencies, non-root.
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE=ingest-gateway
ENV NODE_ENV=production \
    HUB_SERVICE=${SERVICE} \
    HUB_CONFIG_DIR=/app/config \
    HUB_DATA_DIR=/var/lib/hub
WORKDIR /app
COPY --from=deps --chown=root:root /src/package.json ./
COPY --from=deps --chown=root:root /src/node_modules ./node_modules
COPY --from=deps --chown=root:root /src/libs ./libs
COPY --from=deps --chown=root:root /src/apps ./apps
COPY --chown=root:root config ./config
COPY --chown=root:root --chmod=0755 deploy/docker/entrypoint.sh /usr/local/bin/hub-entrypoint
COPY --chown=root:root deploy/docker/healthcheck.mjs /usr/local/lib/hub/healthcheck.mjs
# The `node` user (uid 1000) of the official image; it owns only the data directory.
RUN mkdir -p /var/lib/hub && chown 1000:1000 /var/lib/hub
USER 1000:1000
EXPOSE 8080 9101 9102 9103 9104 9105 9106
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["node", "/usr/local/lib/hub/healthcheck.mjs"]
ENTRYPOINT ["/usr/local/bin/hub-entrypoint"]
