package io.taskmesh.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One overlay as `kubectl kustomize` renders it, plus what the operators will create from its custom
 * resources (Secrets and Services that exist only once Strimzi, CloudNativePG and Keycloak have acted).
 */
final class Rendered {

    private static final Map<String, Rendered> CACHE = new ConcurrentHashMap<>();

    final String overlay;
    final List<JsonNode> objects;
    /** Secrets an operator creates from a custom resource here: name -> the resource that makes it. */
    final Map<String, String> operatorSecrets = new LinkedHashMap<>();
    /** Services an operator creates: name -> port numbers. */
    final Map<String, Set<Integer>> operatorServices = new LinkedHashMap<>();

    private Rendered(String overlay, List<JsonNode> objects) {
        this.overlay = overlay;
        this.objects = objects;
        for (JsonNode o : of("Kafka")) {
            String name = name(o);
            operatorSecrets.put(name + "-cluster-ca-cert", "Kafka " + name);
            operatorSecrets.put(name + "-clients-ca-cert", "Kafka " + name);
            Set<Integer> ports = new java.util.TreeSet<>();
            o.path("spec").path("kafka").path("listeners").forEach(l -> ports.add(l.path("port").asInt()));
            operatorServices.put(name + "-kafka-bootstrap", ports);
        }
        for (JsonNode o : of("KafkaUser")) {
            operatorSecrets.put(name(o), "KafkaUser " + name(o));
        }
        for (JsonNode o : of("Cluster")) {
            operatorSecrets.put(name(o) + "-app", "Cluster " + name(o));
            operatorSecrets.put(name(o) + "-superuser", "Cluster " + name(o));
            for (String suffix : List.of("-rw", "-ro", "-r")) {
                operatorServices.put(name(o) + suffix, Set.of(5432));
            }
        }
        for (JsonNode o : of("Keycloak")) {
            operatorSecrets.put(name(o) + "-initial-admin", "Keycloak " + name(o));
            operatorServices.put(name(o) + "-service", Set.of(8080, 8443));
        }
    }

    static Rendered overlay(String overlay) {
        return CACHE.computeIfAbsent(overlay, o -> {
            String version = Tools.succeed(Repo.ROOT, List.of("kubectl", "version", "--client"));
            Matcher m = Pattern.compile("Kustomize Version: v(\\d+)").matcher(version);
            assertThat(m.find() && Integer.parseInt(m.group(1)) >= 5)
                    .as("kubectl with kustomize v5 or newer is needed, found:%n%s%s", version, Tools.installHint("kubectl"))
                    .isTrue();
            String yaml = Tools.succeed(Repo.ROOT, List.of("kubectl", "kustomize", "deploy/k8s/" + o));
            return new Rendered(o, Repo.documents(yaml));
        });
    }

    static String name(JsonNode o) {
        return o.path("metadata").path("name").asText();
    }

    static String id(JsonNode o) {
        return o.path("kind").asText() + "/" + name(o);
    }

    List<JsonNode> of(String kind) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }

    Optional<JsonNode> find(String kind, String name) {
        return of(kind).stream().filter(o -> name(o).equals(name)).findFirst();
    }

    JsonNode get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError(overlay + ": no " + kind + " " + name));
    }

    boolean secretExists(String name) {
        return find("Secret", name).isPresent() || operatorSecrets.containsKey(name);
    }

    /** The pod templates of the workloads, by workload name. */
    Map<String, JsonNode> podTemplates() {
        Map<String, JsonNode> templates = new HashMap<>();
        for (String kind : List.of("Deployment", "StatefulSet", "DaemonSet")) {
            of(kind).forEach(o -> templates.put(kind + "/" + name(o), o.path("spec").path("template")));
        }
        return templates;
    }

    static Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new HashMap<>();
        node.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return !selector.isEmpty() && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    /** The pod templates a label selector picks. */
    List<JsonNode> podsSelectedBy(Map<String, String> selector) {
        List<JsonNode> pods = new ArrayList<>();
        podTemplates().values().forEach(t -> {
            if (selects(selector, labels(t.path("metadata").path("labels")))) {
                pods.add(t);
            }
        });
        return pods;
    }

    static List<JsonNode> containers(JsonNode podTemplate) {
        List<JsonNode> containers = new ArrayList<>();
        podTemplate.path("spec").path("initContainers").forEach(containers::add);
        podTemplate.path("spec").path("containers").forEach(containers::add);
        return containers;
    }

    /** Whether a port (a name, or a number as text) is declared by some container of the pod. */
    static boolean podHasPort(JsonNode podTemplate, String port) {
        for (JsonNode c : containers(podTemplate)) {
            for (JsonNode p : c.path("ports")) {
                if (p.path("name").asText().equals(port) || p.path("containerPort").asText().equals(port)) {
                    return true;
                }
            }
        }
        return false;
    }
}
