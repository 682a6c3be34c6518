# Shipline GitHub App: one stateless process per container. Run as many replicas as you like behind a load
# balancer; set REDIS_URL so they share GitHub rate limiting. See docs/operations.md.
#   docker build -t shipline .
#   docker run -p 3000:3000 -e APP_ID=... -e PRIVATE_KEY="$(cat key.pem)" -e WEBHOOK_SECRET=... shipline

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build:app

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_FORMAT=json \
    LOG_LEVEL=info
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/lib ./lib
COPY app.yml ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# server.js = `probot run` with Shipline's retry/throttling Octokit; it stops cleanly on SIGTERM.
CMD ["node", "lib/app/server.js"]
