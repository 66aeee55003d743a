# Tongbao's container image: one static binary on an empty base, run as an
# unprivileged user. No shell, package manager or libc inside: the
# HEALTHCHECK runs the binary itself (`tongbao healthcheck` asks /readyz).
#
#   docker build -t tongbao .
#   docker run -p 8080:8080 -e TONGBAO_REDIS_URL=redis://redis:6379/0 tongbao
#
# compose.yaml runs it with Redis; README "Running it with Docker" says more.
# GO_IMAGE may name another Go 1.26 image (a mirror); the final image is
# the same whichever builds it.
ARG GO_IMAGE=golang:1.26-bookworm

FROM ${GO_IMAGE} AS build
WORKDIR /src
# Modules first, so a change of the code alone reuses the download layer.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# CGO_ENABLED=0: a static binary that needs no libc. Bulletin times use a
# fixed UTC+8 zone (content.Shanghai), so no zoneinfo is needed either.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/tongbao ./cmd/tongbao \
 && mkdir -p /out/data

FROM scratch
# CA roots for HTTPS to Telegram, WeChat and the sources.
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/tongbao /tongbao
# The embedded store's folder, when TONGBAO_REDIS_URL is not set; owned by
# the user the service runs as.
COPY --from=build --chown=65532:65532 /out/data /data
ENV TONGBAO_DATA=/data TONGBAO_LISTEN=:8080
VOLUME /data
WORKDIR /data
# 65532 is "nonroot" in distroless images; any unprivileged id works.
USER 65532:65532
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["/tongbao", "healthcheck"]
ENTRYPOINT ["/tongbao"]
CMD ["serve"]
