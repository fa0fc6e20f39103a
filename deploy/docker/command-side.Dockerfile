# syntax=docker/dockerfile:1
# Command side of Consent Ledger: links, consents and shares (REST command API), port 8081.
#
# Build from the repository root, after the jar is built:
#   ./mvnw -B -DskipTests package
#   docker build -f deploy/docker/command-side.Dockerfile -t consent-ledger/command-side:0.1.0 .
# The build context is filtered by command-side.Dockerfile.dockerignore: only the jar is sent to the builder
# (never data/, which may hold a local store with personal data).
#
# For a production registry, pin the base image by digest (eclipse-temurin:17-jre@sha256:...).
ARG BASE_IMAGE=eclipse-temurin:17-jre

# Stage 1: split the Spring Boot jar into its layers (dependencies change rarely, the application often),
# so that a rebuild after a code change pushes and pulls only the small application layer.
# `-Djarmode=tools ... extract --layers --launcher` is the Spring Boot 3.3+ / 4 syntax (the old `layertools`
# jar mode is gone in Boot 4); checked against the 4.1.1 jar of this project.
FROM ${BASE_IMAGE} AS layers
WORKDIR /build
ARG JAR_FILE=command-side/target/consent-ledger-command-side-0.1.0-SNAPSHOT.jar
COPY ${JAR_FILE} app.jar
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted

# Stage 2: the runtime image.
FROM ${BASE_IMAGE}
LABEL org.opencontainers.image.title="consent-ledger-command-side" \
      org.opencontainers.image.description="Consent Ledger command side: links, consents and shares" \
      org.opencontainers.image.version="0.1.0"

# A fixed, numeric, non-root user: Kubernetes' runAsNonRoot can only verify a numeric USER
# (deploy/k8s runs it as 10001 too).
RUN groupadd --system --gid 10001 ledger \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin ledger

WORKDIR /app
# Least-changing layer first.
COPY --from=layers /build/extracted/dependencies/ ./
COPY --from=layers /build/extracted/spring-boot-loader/ ./
COPY --from=layers /build/extracted/snapshot-dependencies/ ./
COPY --from=layers /build/extracted/application/ ./

# Heap follows the container's memory limit; a JVM that runs out of memory exits and is restarted, rather than
# limping on. /tmp is the only place the application writes (Tomcat's work directory); mount it as a volume
# when the root filesystem is read-only (deploy/k8s does).
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:InitialRAMPercentage=50 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp" \
    AXONIQ_UPDATE_CHECKER_DISABLED=true \
    SERVER_PORT=8081

USER 10001:10001
EXPOSE 8081

# No HEALTHCHECK on purpose. The image carries no curl or wget (less to patch, less to exploit), Kubernetes ignores
# Docker's HEALTHCHECK and uses its own liveness, readiness and startup probes on /actuator/health/{liveness,readiness}
# (deploy/k8s), and deploy/compose/compose.yaml declares its own healthcheck with bash's /dev/tcp.
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
