# syntax=docker/dockerfile:1
# passkey-support-bot: build with the dev toolchain, run on a slim Node 20 with production
# dependencies only, as the unprivileged `node` user.
#
#   docker build -t passkey-support-bot .
#   docker run --env-file .env -p 3978:3978 -v pksb-data:/app/data passkey-support-bot
#
# Settings come from the environment (see .env.example); secrets also as NAME_FILE=/path
# (mounted secrets). The image has no .env. Without MicrosoftAppId it would start the offline
# demo, which binds to 127.0.0.1 only: the image is meant for the online bot.

ARG NODE_VERSION=20

# ---- build: TypeScript → dist/ -------------------------------------------------------------------
FROM node:${NODE_VERSION}-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No dependency needs an install script (dtrace-provider and @parcel/watcher are optional and work without).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- runtime ---------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-slim AS runtime
ENV NODE_ENV=production \
    NO_PLAYGROUND=1 \
    PORT=3978 \
    DATA_DIR=/app/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The card renderer walks up from dist/cards/ to the first folder holding cards/welcome.json: /app/cards.
COPY cards ./cards
COPY fixtures ./fixtures
# The embedded store (conversation state, tickets, jobs, audit log). Mount a volume here to keep it.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3978) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# DEP0111: restify's http2 shim (http-deceiver) reads process.binding at load; nothing to act on.
CMD ["node", "--disable-warning=DEP0111", "dist/index.js"]
