package io.taskmesh.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Kafka, PostgreSQL and Keycloak: pinned images at the versions the local stack uses, and the same realm. */
class OperandsTest {

    static final String REALM_IMPORT = "deploy/k8s/base/keycloak/realm-import.yaml";

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void operandsArePinnedToTheVersionsOfTheLocalStack(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        String kafkaVersion = r.get("Kafka", "taskmesh").path("spec").path("kafka").path("version").asText();
        String clients = Repo.pomProperty("kafka.version");
        assertThat(kafkaVersion).as("Kafka brokers on the clients' minor version " + clients)
                .startsWith(clients.substring(0, clients.lastIndexOf('.') + 1));
        for (JsonNode k : r.of("Keycloak")) {
            assertThat(k.path("spec").path("image").asText())
                    .isEqualTo("quay.io/keycloak/keycloak:" + Repo.pomProperty("keycloak.version"));
        }
        for (JsonNode c : r.of("Cluster")) {
            assertThat(c.path("spec").path("imageName").asText()).as(Rendered.id(c) + " image pinned")
                    .matches("[^:]+:\\d+(\\.\\d+)+");
        }
        assertThat(r.of("Cluster")).extracting(Rendered::name).contains("taskmesh-db", "keycloak-db");
    }

    @Test
    void theRealmImportIsTheRealmOfTheLocalStack() throws IOException {
        JsonNode realm = Repo.json("deploy/keycloak/taskmesh-realm.json");
        if (Boolean.getBoolean("taskmesh.regenerate")) {
            String header = """
                    # The realm taskmesh, imported by the Keycloak operator once when it does not exist yet.
                    # spec.realm is deploy/keycloak/taskmesh-realm.json, the realm the local stack imports, as JSON;
                    # deploy/manifests-tests checks that the two are equal, and rewrites this file when run with
                    # -Dtaskmesh.regenerate=true. The prod overlay removes the local users and fixed client secrets.
                    apiVersion: k8s.keycloak.org/v2alpha1
                    kind: KeycloakRealmImport
                    metadata:
                      name: taskmesh-realm
                    spec:
                      keycloakCRName: taskmesh-keycloak
                      realm:
                    """;
            String body = Repo.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(realm).indent(4);
            Files.writeString(Repo.path(REALM_IMPORT), header + body);
        }
        JsonNode imported = Repo.yaml(REALM_IMPORT).path("spec").path("realm");
        assertThat(imported).as("%s differs from deploy/keycloak/taskmesh-realm.json; regenerate it with "
                + "./mvnw test -pl deploy/manifests-tests -Dtaskmesh.regenerate=true", REALM_IMPORT).isEqualTo(realm);
        JsonNode kc = Rendered.overlay("base").get("KeycloakRealmImport", "taskmesh-realm");
        assertThat(kc.path("spec").path("keycloakCRName").asText()).isEqualTo("taskmesh-keycloak");
        Rendered.overlay("base").get("Keycloak", "taskmesh-keycloak");
    }

    @Test
    void productionImportsNoLocalUsersNorFixedClientSecrets() {
        JsonNode realm = Rendered.overlay("overlays/prod").get("KeycloakRealmImport", "taskmesh-realm").path("spec").path("realm");
        for (JsonNode user : realm.path("users")) {
            assertThat(user.path("username").asText()).as("only service accounts").startsWith("service-account-");
            assertThat(user.has("credentials")).isFalse();
        }
        for (JsonNode client : realm.path("clients")) {
            assertThat(client.has("secret")).as(client.path("clientId") + " secret").isFalse();
        }
        assertThat(realm.path("sslRequired").asText()).isEqualTo("external");
        JsonNode local = Repo.json("deploy/keycloak/taskmesh-realm.json");
        assertThat(((ObjectNode) realm.deepCopy()).without("users").path("roles")).isEqualTo(local.path("roles"));
    }
}
