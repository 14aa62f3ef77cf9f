# Images for the replica server and the balancer, built from the jars Maven made on the host:
#   ./mvnw -q package -DskipTests
#   docker build --target server   -t lb-server:latest   .
#   docker build --target balancer -t lb-balancer:latest .
# No build stage runs Maven inside Docker, so building needs no registry beyond the JRE base image, and
# where no registry answers at all, scripts/offline-jre-image.sh makes one: --build-arg JRE_IMAGE=lb-jre:offline
ARG JRE_IMAGE=eclipse-temurin:21-jre

FROM ${JRE_IMAGE} AS server
COPY server/target/server.jar /app/server.jar
ENV PORT=5000
EXPOSE 5000
# Replacements of dead replicas must serve fast, so the classes a start loads are archived once here (class-data
# sharing): the JVM then maps them instead of loading them, which takes about 40% off start-up. A JVM that cannot
# use the archive warns and starts without it.
RUN ["java", "-XX:ArchiveClassesAtExit=/app/server.jsa", "-Dlb.cds.training=true", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", "/app/server.jar"]
# Replicas run as an unprivileged user (a numeric id: the image needs no /etc/passwd entry). The balancer's container
# template asks for the same user, so a replica never runs as root even from another image.
USER 10001:10001
# A replica is tiny: serial GC and a capped heap let dozens share a 2-core machine.
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/app/server.jsa", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=60", "-XX:TieredStopAtLevel=1", "-Xss512k", "-jar", "/app/server.jar"]

FROM ${JRE_IMAGE} AS balancer
COPY balancer/target/balancer.jar /app/balancer.jar
ENV LB_PORT=5000
EXPOSE 5000
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=60", "-jar", "/app/balancer.jar"]
