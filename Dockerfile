# Rudder in one image: every component is a `node dist/...` entry point in it.
# Build: docker build -t rudder .    Run a cluster: docker compose up

FROM node:20-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl ca-certificates build-essential \
 && curl -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal \
 && rm -rf /var/lib/apt/lists/*
ENV PATH=/root/.cargo/bin:$PATH
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN node scripts/ensure.mjs --force && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /opt/rudder
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/native ./native
COPY --from=build /src/bin ./bin
ENV NODE_ENV=production
VOLUME /data
ENTRYPOINT ["node"]
CMD ["dist/cli/main.js", "--help"]
