package io.taskmesh.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** deploy/compose/compose.yaml: the same images, variables, ports and topics as the rest. */
class ComposeTest {

    private static final JsonNode COMPOSE = Repo.yaml("deploy/compose/compose.yaml");

    private static JsonNode service(String name) {
        JsonNode s = COMPOSE.path("services").path(name);
        assertThat(s.isMissingNode()).as("compose service " + name).isFalse();
        return s;
    }

    @Test
    void theFourServicesRunTheImagesTheBuildMakesWithTheVariablesTheyRead() {
        List<String> problems = new ArrayList<>();
        for (String name : Repo.SERVICES) {
            JsonNode s = service(name);
            String image = "taskmesh/" + name + ":${TASKMESH_VERSION:-" + Repo.VERSION + "}";
            if (!s.path("image").asText().equals(image)) {
                problems.add(name + ": image " + s.path("image").asText() + ", expected " + image);
            }
            JsonNode build = s.path("build");
            var dockerfile = Repo.path("deploy/compose").resolve(build.path("context").asText())
                    .resolve(build.path("dockerfile").asText()).normalize();
            if (!dockerfile.equals(Repo.path(name + "/src/main/docker/Dockerfile.jvm"))) {
                problems.add(name + ": builds from " + dockerfile);
            }
            int port = Repo.httpPort(name);
            if (!s.path("ports").toString().contains(":" + port + ":" + port + "\"")) {
                problems.add(name + ": port " + port + " not published as " + port + ": " + s.path("ports"));
            }
            Set<String> read = Repo.environmentRead(name);
            Set<String> given = new TreeSet<>();
            s.path("environment").fieldNames().forEachRemaining(given::add);
            for (String env : given) {
                if (!read.contains(env)) {
                    problems.add(name + " is given " + env + ", which it does not read");
                }
            }
            for (String needed : List.of("TASKMESH_KAFKA", "TASKMESH_DB_HOST", "TASKMESH_DB_NAME", "TASKMESH_DB_USER",
                    "TASKMESH_DB_PASSWORD", "TASKMESH_KEYCLOAK_URL")) {
                if (read.contains(needed) && !given.contains(needed)) {
                    problems.add(name + " reads " + needed + " but is not given it");
                }
            }
            s.path("depends_on").fieldNames().forEachRemaining(dep -> {
                if (!COMPOSE.path("services").has(dep)) {
                    problems.add(name + " depends on unknown service " + dep);
                }
            });
            if (!s.path("read_only").asBoolean()) {
                problems.add(name + ": the root file system should be read-only");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void kafkaGetsTheTopicsOfTheContractsAndKeycloakTheRealm() {
        Set<String> created = new TreeSet<>();
        Matcher m = Pattern.compile("--topic (\\S+)").matcher(service("kafka-topics").path("command").toString());
        while (m.find()) {
            created.add(m.group(1));
        }
        assertThat(created).isEqualTo(KafkaManifestsTest.expectedTopics());
        assertThat(service("kafka").path("image").asText()).isEqualTo("apache/kafka:" + Repo.pomProperty("kafka.version"));

        JsonNode keycloak = service("keycloak");
        assertThat(keycloak.path("image").asText()).isEqualTo("quay.io/keycloak/keycloak:" + Repo.pomProperty("keycloak.version"));
        assertThat(keycloak.path("command").toString()).contains("--import-realm");
        String realmMount = keycloak.path("volumes").get(0).asText();
        assertThat(Files.isRegularFile(Repo.path("deploy/compose").resolve(realmMount.split(":")[0]).normalize()))
                .as("realm file " + realmMount).isTrue();
        assertThat(realmMount).contains(":/opt/keycloak/data/import/");
    }

    @Test
    void everyThirdPartyImageIsPinned() {
        COMPOSE.path("services").fields().forEachRemaining(e -> {
            String image = e.getValue().path("image").asText();
            if (image.startsWith("taskmesh/")) {
                return; // the project's own, at the project's version (checked above)
            }
            assertThat(image).as(e.getKey()).matches("[^:]+:[^:]+").doesNotEndWith(":latest");
        });
    }
}
