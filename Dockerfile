# The gateway's container: built with dev dependencies, run with production ones only, as the
# unprivileged `node` user, under tini (PID 1 forwards signals and reaps), with a HEALTHCHECK.
# Build: docker build -t hss-port-statistics-gateway .   Run: docker run -p 4000:4000 hss-port-statistics-gateway
# NODE_MAJOR 20, 22 (their npm 10 runs `npm ci` below) and 24 (npm 11) are built and run by
# `NODE_MAJOR=<n> npm run container:test`.
ARG NODE_MAJOR=24

FROM node:${NODE_MAJOR}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_MAJOR}-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production PORT=4000
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The trusted-documents manifest (TRUSTED_DOCUMENTS=true) and the committed SDL.
COPY schema/generated/persisted-documents.json ./schema/generated/
COPY schema/schema.graphql schema/subgraph.graphql ./schema/
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--max-old-space-size=160", "--enable-source-maps", "dist/server.js"]
