# The Roomful backend as one image; every node of a deployment runs it. See docs/operations.md.
#
#   docker build -t roomful-backend .
#   docker run -p 8080:8080 roomful-backend                       # embedded mode, to try it
#   docker run -e MYSQL_URL=… -e REDIS_URL=… -e PUBLIC_URL=https://… -e METRICS_PORT=9090 roomful-backend
#
# A glibc base on purpose: uWebSockets.js ships binaries built against glibc, and they do not
# load on musl (Alpine). Node 20, because the binary in use is the one for Node 20's ABI.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# The manifests first, so the dependency layer is rebuilt only when they change.
COPY package.json package-lock.json ./
COPY sdk/package.json sdk/
COPY widget/package.json widget/
COPY backend/package.json backend/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY sdk/package.json sdk/
COPY widget/package.json widget/
COPY backend/package.json backend/
# Runtime dependencies only. Their install scripts are not needed: sharp's and uWS's native
# parts come as prebuilt packages for linux-x64/arm64 glibc.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/sdk/dist sdk/dist
COPY --from=build /app/backend/dist backend/dist
# Attachments must be one directory shared by every node (a volume in compose).
RUN mkdir -p /data/attachments && chown node:node /data/attachments
ENV ATTACHMENTS_DIR=/data/attachments
USER node
# 8080: HTTP + WebSocket (PORT); 9090: Prometheus, when METRICS_PORT=9090 is set.
EXPOSE 8080 9090
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# node is PID 1 and handles SIGTERM itself: it drains (see docs/self-hosting.md) and exits 0.
STOPSIGNAL SIGTERM
CMD ["node", "--enable-source-maps", "backend/dist/main.js"]
