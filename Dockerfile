# Rudder in one image: every component is a `node dist/...` entry point in it.
# Build: docker build -t rudder .    Run a cluster: docker compose up
#
# BASE_IMAGE is what the image runs on: the official Node.js image by default. Where no registry
# is reachable, `npm run docker:base` makes one from this host (rudder.local/base:node), and the
# `prebuilt` target packs what `npm run build` made here instead of building again:
#   tar -ch package.json node_modules dist native bin Dockerfile | \
#     docker build --target prebuilt --build-arg BASE_IMAGE=rudder.local/base:node -t rudder -
ARG BASE_IMAGE=node:20-bookworm-slim

# First, so that building it (the legacy builder builds every stage before the target) needs nothing else.
FROM ${BASE_IMAGE} AS prebuilt
WORKDIR /opt/rudder
COPY package.json ./
COPY node_modules ./node_modules
COPY dist ./dist
COPY native ./native
COPY bin ./bin
ENV NODE_ENV=production
VOLUME /data
ENTRYPOINT ["node"]
CMD ["dist/cli/main.js", "--help"]

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

FROM ${BASE_IMAGE}
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
