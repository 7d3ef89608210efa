# syntax=docker/dockerfile:1
# The payment worker, the intake API and the WooshPay simulator: one Dockerfile, one final stage per role.
#   docker build --target worker .      node dist/worker/main.js   (metrics on :9464)
#   docker build --target api .         node dist/api/main.js      (:3000, HEALTHCHECK on /healthz)
#   docker build --target simulator .   node dist/simulator/main.js (:4010, development only)
# docker-compose.yml builds them. Nothing secret is baked in: configuration comes from the environment
# (or <NAME>_FILE, see deploy/docker-entrypoint.sh) at run time.

# ---- build: every dependency, TypeScript → dist/, and the workflow bundle --------------------------------
FROM node:22.22.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY config ./config
COPY codec ./codec
COPY workflows ./workflows
COPY activities ./activities
COPY wooshpay ./wooshpay
COPY api ./api
COPY worker ./worker
COPY simulator ./simulator
COPY scripts ./scripts
COPY deploy ./deploy
# tsc → dist/ (tsconfig.build.json), then the workflows bundled once (webpack) so workers start without it.
RUN npm run build && node dist/scripts/bundle-workflows.js dist/workflow-bundle.js

# ---- prod-deps: production dependencies only (no tsx, jest, @temporalio/testing, typescript) -------------
FROM node:22.22.0-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- runtime: what every role shares; runs as the unprivileged `node` user (uid 1000) ------------------
FROM node:22.22.0-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# package.json carries "type": "module", which makes dist/*.js ES modules.
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY deploy/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
# /run/wooshpay: the simulator profile's webhook secret (a named volume takes this owner on first mount).
RUN chmod 0755 /usr/local/bin/docker-entrypoint.sh && mkdir -p /run/wooshpay && chown node:node /run/wooshpay
USER node
ENTRYPOINT ["docker-entrypoint.sh"]

# ---- worker ------------------------------------------------------------------------------------------
FROM runtime AS worker
ENV WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js \
    HOST=0.0.0.0 \
    METRICS_PORT=9464
EXPOSE 9464
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.METRICS_PORT || 9464) + '/metrics').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/worker/main.js"]

# ---- simulator (the compose `simulator` profile; never in front of real money) ----------------------------
FROM runtime AS simulator
ENV SIMULATOR_HOST=0.0.0.0 \
    SIMULATOR_PORT=4010
EXPOSE 4010
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=10 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.SIMULATOR_PORT || 4010) + '/_sim/settings').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/simulator/main.js"]

# ---- codec: the codec server the Temporal UI decodes payloads through (codec/server.ts) ---------------------
FROM runtime AS codec
ENV HOST=0.0.0.0 \
    CODEC_PORT=8234
EXPOSE 8234
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.CODEC_PORT || 8234) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/codec/main.js"]

# ---- api (last: the default target) --------------------------------------------------------------------
FROM runtime AS api
ENV HOST=0.0.0.0 \
    PORT=3000
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/api/main.js"]
