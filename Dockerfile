# syntax=docker/dockerfile:1
# passkey-support-bot: build with the dev toolchain, run on a slim Node 22 LTS with production
# dependencies only, as the unprivileged `node` user.
#
#   docker build -t passkey-support-bot .
#   docker run --env-file .env -p 3978:3978 -v pksb-data:/app/data passkey-support-bot
#
# Settings come from the environment (see .env.example); secrets also as NAME_FILE=/path
# (mounted secrets). The image has no .env. Without MicrosoftAppId it would start the offline
# demo, which binds to 127.0.0.1 only: the image is meant for the online bot.

# Node 22 LTS (maintenance, supported to 30 April 2027; infra/main.bicep runs this image on
# Azure Container Apps). Not 24 yet: restify 11's HTTP/2 shim (spdy → http-deceiver) calls
# process.binding('http_parser'), which Node 24 removed, so the server cannot load there.
# Debian 12 slim, pinned by digest: the multi-arch index of node:22.23.3-bookworm-slim as Docker's
# official images record it (docker-library/repo-info; build of 23 Sep 2026). .ci/run reads the
# version from this line and runs the tests on it too. To take a newer build or patch, get the
# index digest with `docker buildx imagetools inspect node:22.<x.y>-bookworm-slim` and update the
# tag and the digest together.
ARG NODE_IMAGE=node:22.23.3-bookworm-slim@sha256:43ac6c60b8f89723f746e8a92ce91abd5017e627ce1ddfe4238355d3a30b772c

# ---- build: TypeScript → dist/ (the dev toolchain stays in this stage) -----------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No dependency needs an install script (dtrace-provider and @parcel/watcher are optional and work without).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- deps: production dependencies only, without what Node never reads --------------------------
# `npm ci --omit=dev`: no TypeScript, ts-node, Jest, Playwright, Azurite, Agents Playground, ajv,
# fflate or pngjs (test/package/production-deps.test.ts keeps src/ from needing any of them).
# Then the files no `require` opens: source maps (read only under --enable-source-maps, which the
# CMD does not use), TypeScript sources and declarations (Node does not strip types under
# node_modules), and Markdown other than licence/notice files. About 285 → 120 MB (docs/dev/production-image.md).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && find node_modules -type f \( -name '*.map' -o -name '*.ts' -o -name '*.mts' -o -name '*.cts' \
       -o \( -name '*.md' ! -iname 'licen[cs]e*' ! -iname 'notice*' \) \) -delete \
  && find node_modules -type d -empty -delete

# ---- runtime: dist/, the production node_modules, the card templates, the demo snapshot -----------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NO_PLAYGROUND=1 \
    PORT=3978 \
    DATA_DIR=/app/data
WORKDIR /app
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The card renderer walks up from dist/cards/ to the first folder holding cards/welcome.json: /app/cards.
COPY cards ./cards
# The message catalogues (locales/<language>/*.json), found the same way from dist/src/i18n/.
COPY locales ./locales
# The demo tenant snapshot (TENANT_SNAPSHOT's default for the offline demo; 50 KB).
COPY fixtures ./fixtures
# The embedded store (conversation state, tickets, jobs, audit log). Mount a volume here to keep it.
RUN mkdir -p /app/data && chown node:node /app/data
# Everything above belongs to root and is read-only for the bot; only /app/data is its own.
USER node
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3978) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# DEP0111: restify's http2 shim (http-deceiver) reads process.binding at load; nothing to act on.
CMD ["node", "--disable-warning=DEP0111", "dist/index.js"]
