# lfmaint: one binary, built with the Swift toolchain, run on slim Debian as a non-root user.
FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq-dev libcurl4-openssl-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY scripts/build-release.sh ./scripts/build-release.sh
RUN bash scripts/build-release.sh \
 && cp "$(swift build -c release --static-swift-stdlib --show-bin-path)/lfmaint" /usr/local/bin/lfmaint

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 libcurl4 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/local/bin/lfmaint /usr/local/bin/lfmaint
COPY sql /usr/share/lfmaint/sql
USER 65532:65532
ENTRYPOINT ["lfmaint"]
CMD ["--help"]
