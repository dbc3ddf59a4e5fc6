# Gatehouse image: build with dev dependencies, run the compiled output on a slim current LTS as a non-root user.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/mongo-wire/package.json ./packages/mongo-wire/
RUN npm ci --ignore-scripts
# The build compiles the dev-only wire server package first (Gatehouse's sources import its types); only /app/dist reaches the runtime.
COPY tsconfig.json ./
COPY packages/mongo-wire/tsconfig.json ./packages/mongo-wire/
COPY packages/mongo-wire/src ./packages/mongo-wire/src
COPY src ./src
RUN npm run build

FROM node:22-bookworm-slim AS runtime
# The production config expects a TLS proxy in front (trust_proxy: 1) and its secrets from the environment or *_FILE.
ENV NODE_ENV=production GATEHOUSE_CONFIG=/app/deploy/gatehouse.yaml
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# `gatehouse` on the PATH, for `docker compose exec gatehouse gatehouse user add alice`.
RUN chmod +x dist/cli/index.js && ln -s /app/dist/cli/index.js /usr/local/bin/gatehouse
COPY views ./views
COPY config ./config
COPY deploy/gatehouse.yaml ./deploy/gatehouse.yaml
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Mount your own config read-only over /app/deploy/gatehouse.yaml; secrets come from the environment, never the image.
CMD ["node", "dist/main.js"]
