# syntax=docker/dockerfile:1
# octosync as a container: `octosync watch` on a state repository mounted at /repo.
#
#   docker build -t octosync .
#   docker run -d -p 8066:8066 -v /srv/octosync-state:/repo -e OCTOPUS_PROD_API_KEY octosync
#   docker run --rm -v "$PWD":/repo octosync validate --repo /repo     # any other command
#
# The repository must be writable by uid 10001 (or run with --user): watch keeps its status,
# locks and worktrees in /repo/.octosync. A remote repository (`watch --repo https://…`) is
# cloned under the working directory, /var/lib/octosync, unless --state-dir says otherwise.
# For git@ URLs, mount a key and known_hosts at /home/octosync/.ssh.
#
# test/docker/dockerfile.test.ts checks this file against the repository.

# ---- build: compile TypeScript to dist/, precompile the schemas, bundle (package.json build) ---
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# --ignore-scripts: `prepare` would run tsc before the sources are here (the build is the next
# step). The one install script is the `node` dev dependency's, which fetches the Node binary the
# project's own scripts run on elsewhere: the image has its Node 24, and the shell passes over the
# dangling node_modules/.bin/node to it.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json rolldown.config.mjs ./
COPY src ./src
COPY scripts ./scripts
COPY schemas ./schemas
RUN npm run build
COPY bin ./bin

# ---- runtime: production dependencies, the compiled code, git ---------------------------------
FROM node:24-bookworm-slim AS runtime
# octosync runs the system git (simple-git): commits, worktrees, clone and fetch over https/ssh.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates openssh-client \
 && rm -rf /var/lib/apt/lists/*
# A mounted repository belongs to a host uid, not to the container's user, and git refuses to
# work in a repository another user owns ("dubious ownership"). The check guards a shared machine
# against repositories planted by other users; this container runs only octosync on what the
# operator mounts.
RUN git config --system --add safe.directory '*'
RUN groupadd --gid 10001 octosync \
 && useradd --uid 10001 --gid octosync --create-home --home-dir /home/octosync --shell /usr/sbin/nologin octosync \
 && mkdir -p /repo /var/lib/octosync \
 && chown octosync:octosync /repo /var/lib/octosync

ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# --ignore-scripts: `prepare` builds with tsc, which is a dev dependency and not installed here.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/schemas ./schemas
# `octosync` on the PATH (for `docker exec … octosync status`), as a global npm install puts it.
# Then load every command with production dependencies only: a runtime import of a dev
# dependency fails the build here rather than the container at start.
RUN ln -s /app/bin/octosync.js /usr/local/bin/octosync \
 && octosync watch --help > /dev/null

USER 10001:10001
WORKDIR /var/lib/octosync
# /healthz, /status, /metrics and POST /hooks/git (see `octosync watch --help`).
EXPOSE 8066
# No curl in the slim image: node itself asks. Running another command than watch, or watch on
# another port, needs `--no-healthcheck` or `--health-cmd` on docker run. /healthz is not ok
# until every destination was looked at once, which may include a first apply: a long start period.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30m --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8066/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The Node options of bin/octosync.js's first line, which an installed `octosync` starts with.
ENTRYPOINT ["node", "--max-semi-space-size=8", "/app/bin/octosync.js"]
CMD ["watch", "--repo", "/repo", "--host", "0.0.0.0", "--port", "8066"]
