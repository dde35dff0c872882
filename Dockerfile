# syntax=docker/dockerfile:1
# One image per Warmpath service, from the runnable jar the Maven build made (./warmpath images builds them all):
#   docker build --build-arg MODULE=gateway-service --build-arg VERSION=0.1.0-SNAPSHOT -t warmpath/gateway-service:0.1.0-SNAPSHOT .
# Spring Boot's layers become image layers, dependencies first: a code change rebuilds and ships only the last one.
ARG JAVA_IMAGE=eclipse-temurin:21-jre-noble

FROM ${JAVA_IMAGE} AS layers
ARG MODULE
WORKDIR /build
COPY ${MODULE}/target/${MODULE}-*-exec.jar app.jar
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted

FROM ${JAVA_IMAGE}
ARG MODULE
ARG VERSION
LABEL org.opencontainers.image.title="warmpath-${MODULE}" \
      org.opencontainers.image.description="Warmpath ${MODULE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.vendor="Warmpath"
# A fixed non-root user; the Helm chart runs the pods as this uid with a read-only root filesystem (/tmp is a volume).
RUN groupadd --system --gid 10001 warmpath \
    && useradd --system --uid 10001 --gid warmpath --no-create-home --shell /usr/sbin/nologin warmpath
WORKDIR /app
COPY --from=layers /build/extracted/dependencies/ ./
COPY --from=layers /build/extracted/spring-boot-loader/ ./
COPY --from=layers /build/extracted/snapshot-dependencies/ ./
COPY --from=layers /build/extracted/application/ ./
USER 10001:10001
# The heap follows the container's memory limit (cgroup), not a fixed size; an OutOfMemoryError ends the JVM so
# the orchestrator restarts it instead of leaving it half alive.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
