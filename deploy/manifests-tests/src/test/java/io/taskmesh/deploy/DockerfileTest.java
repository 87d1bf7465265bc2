package io.taskmesh.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Each service's Dockerfile.jvm: the Quarkus fast-jar on a pinned base image, as an unprivileged user. */
class DockerfileTest {

    static final List<String> SERVICES = Repo.SERVICES;

    @ParameterizedTest
    @FieldSource("SERVICES")
    void theFastJarOnAPinnedBaseAsANonRootUser(String service) {
        List<String> lines = Repo.read(service + "/src/main/docker/Dockerfile.jvm").lines()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        List<String> from = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(from).hasSize(1);
        assertThat(from.getFirst()).as("base image pinned by version").matches("FROM [^:\\s]+:\\d[\\w.-]*")
                .doesNotContain(":latest");
        List<String> users = lines.stream().filter(l -> l.startsWith("USER ")).toList();
        assertThat(users).isNotEmpty();
        assertThat(users.getLast()).isNotIn("USER root", "USER 0");
        for (String part : List.of("lib/", "*.jar", "app/", "quarkus/")) {
            assertThat(lines).as("copies target/quarkus-app/" + part).anyMatch(l -> l.startsWith("COPY ")
                    && l.contains("target/quarkus-app/" + part));
        }
        assertThat(lines).contains("EXPOSE " + Repo.httpPort(service));
        assertThat(lines).anyMatch(l -> l.contains("/deployments/quarkus-run.jar"));
    }
}
