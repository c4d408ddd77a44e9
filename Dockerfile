# lfmaint: the release build of release/build-release.sh (one binary, Swift runtime linked in) on slim
# Debian with the three libraries it needs at run time, run as a non-root user.
# checkov:skip=CKV_DOCKER_2:No HEALTHCHECK on purpose: Kubernetes probes /healthz and /readyz (k8s/agent), and the CronJob and Job runs serve nothing.
FROM swift:6.3.1-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq-dev libcurl4-openssl-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first: this layer is reused until Package.swift changes (Package.resolved, when the
# context has one, pins the versions; the repository keeps none).
COPY Package.* ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
COPY release/build-release.sh release/lfmaint.order ./release/
RUN bash release/build-release.sh \
 && install -D -m 0755 "$(swift build -c release --static-swift-stdlib --show-bin-path)/lfmaint" /out/lfmaint

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 libcurl4 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/lfmaint /usr/local/bin/lfmaint
COPY sql /usr/share/lfmaint/sql
# The UID the Kubernetes manifests run as (runAsUser: 65532).
USER 65532:65532
ENTRYPOINT ["lfmaint"]
CMD ["--help"]
