# The refresh binary in a slim Debian runtime. Build: `docker compose build` (or `docker build -t
# capscore-refresh --build-arg VERSION=... --build-arg REVISION=$(git rev-parse HEAD) .`).
#
# Stage 1 compiles with cgo (DuckDB is C++) through scripts/build.sh, the same script CI runs, which
# stamps the version into the binary. Stage 2 holds only the binary and the C++ runtime it links.

FROM golang:1.26-bookworm AS build
WORKDIR /src
# Modules first, so a source change does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# .git is not in the build context: the version and revision come in as build arguments.
ARG VERSION=devel
ARG REVISION=
ARG MODIFIED=
RUN VERSION="$VERSION" REVISION="$REVISION" MODIFIED="$MODIFIED" scripts/build.sh /out/refresh \
 && /out/refresh --version

FROM debian:bookworm-slim
# DuckDB's bindings are linked statically but need the C++ runtime (libstdc++6; libgcc-s1 and libc
# are in the base image). ca-certificates and tzdata for HTTPS hooks and zone names in logs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libstdc++6 ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/*
# A fixed non-root uid/gid, so host folders mounted for output and spill can be owned by it.
RUN groupadd --system --gid 10001 refresh \
 && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home --shell /usr/sbin/nologin refresh \
 && mkdir -p /data/input /data/out /data/tmp \
 && chown 10001:10001 /data/out /data/tmp
COPY --from=build /out/refresh /usr/local/bin/refresh
USER 10001:10001
WORKDIR /data
ENV REFRESH_INPUT=/data/input \
    REFRESH_OUT=/data/out \
    REFRESH_TEMP_DIR=/data/tmp
# Exec form: refresh itself is PID 1 and receives SIGTERM from `docker stop`, cancels the running
# job, removes its staging and spill folders and exits 5 (or 0 when idle).
ENTRYPOINT ["/usr/local/bin/refresh"]
CMD ["schedule"]
