package io.taskmesh.deploy;

import static io.taskmesh.deploy.Rendered.labels;
import static io.taskmesh.deploy.Rendered.name;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskmesh.events.Topics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every object of each rendered overlay, checked for what would break it on a real cluster. */
class KubernetesManifestsTest {

    /** The kinds the manifests may use, with the API versions the clusters and operators serve. */
    private static final Set<String> KNOWN_KINDS = Set.of(
            "v1/Namespace", "v1/ConfigMap", "v1/Secret", "v1/Service",
            "apps/v1/Deployment", "policy/v1/PodDisruptionBudget", "autoscaling/v2/HorizontalPodAutoscaler",
            "networking.k8s.io/v1/Ingress",
            "kafka.strimzi.io/v1beta2/Kafka", "kafka.strimzi.io/v1beta2/KafkaNodePool",
            "kafka.strimzi.io/v1beta2/KafkaTopic", "kafka.strimzi.io/v1beta2/KafkaUser",
            "postgresql.cnpg.io/v1/Cluster",
            "k8s.keycloak.org/v2alpha1/Keycloak", "k8s.keycloak.org/v2alpha1/KeycloakRealmImport",
            "monitoring.coreos.com/v1/PodMonitor", "monitoring.coreos.com/v1/PrometheusRule");

    private static final Set<String> HEALTH_PATHS = Set.of("/q/health/ready", "/q/health/live", "/q/health/started");

    private static void expectNoProblems(String overlay, List<String> problems) {
        assertThat(problems).as("problems in deploy/k8s/%s", overlay).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void everyObjectIsOfAKnownKindAndNamed(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        List<String> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode o : r.objects) {
            String kind = o.path("apiVersion").asText() + "/" + o.path("kind").asText();
            if (!KNOWN_KINDS.contains(kind)) {
                problems.add(Rendered.id(o) + ": unknown apiVersion/kind " + kind);
            }
            if (name(o).isBlank()) {
                problems.add(kind + " without metadata.name");
            }
            if (!seen.add(Rendered.id(o))) {
                problems.add(Rendered.id(o) + " twice");
            }
            if (!overlay.equals("base") && !o.path("kind").asText().equals("Namespace")
                    && !o.path("metadata").has("namespace")) {
                problems.add(Rendered.id(o) + " has no namespace");
            }
        }
        expectNoProblems(overlay, problems);
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void eachServiceRunsItsOwnImageWithProbesLimitsAndNoPrivileges(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        List<String> problems = new ArrayList<>();
        for (String service : Repo.SERVICES) {
            JsonNode d = r.get("Deployment", service);
            JsonNode template = d.path("spec").path("template");
            Map<String, String> selector = labels(d.path("spec").path("selector").path("matchLabels"));
            if (!Rendered.selects(selector, labels(template.path("metadata").path("labels")))) {
                problems.add(service + ": the selector " + selector + " does not match the pod template's labels");
            }
            JsonNode pod = template.path("spec");
            if (!pod.path("securityContext").path("runAsNonRoot").asBoolean()) {
                problems.add(service + ": the pod may run as root");
            }
            List<JsonNode> containers = Rendered.containers(template);
            assertThat(containers).as(service + " containers").hasSize(1);
            JsonNode c = containers.getFirst();
            String image = "taskmesh/" + service + ":" + Repo.VERSION;
            if (!c.path("image").asText().equals(image)) {
                problems.add(service + ": image " + c.path("image").asText() + ", the build makes " + image);
            }
            int port = Repo.httpPort(service);
            boolean declared = false;
            for (JsonNode p : c.path("ports")) {
                declared |= p.path("name").asText().equals("http") && p.path("containerPort").asInt() == port;
            }
            if (!declared) {
                problems.add(service + ": no container port 'http' = " + port + " (quarkus.http.port)");
            }
            for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                JsonNode get = c.path(probe).path("httpGet");
                if (!HEALTH_PATHS.contains(get.path("path").asText())) {
                    problems.add(service + ": " + probe + " is not on /q/health/*: " + get.path("path"));
                }
                if (!Rendered.podHasPort(template, get.path("port").asText())) {
                    problems.add(service + ": " + probe + " port " + get.path("port") + " is not a container port");
                }
            }
            if (!c.path("readinessProbe").path("httpGet").path("path").asText().equals("/q/health/ready")
                    || !c.path("livenessProbe").path("httpGet").path("path").asText().equals("/q/health/live")) {
                problems.add(service + ": readiness must be /q/health/ready and liveness /q/health/live");
            }
            for (String kind : List.of("requests", "limits")) {
                JsonNode res = c.path("resources").path(kind);
                if (!res.has("cpu") || !res.has("memory")) {
                    problems.add(service + ": resources." + kind + " needs cpu and memory");
                }
            }
            JsonNode sc = c.path("securityContext");
            if (!sc.path("readOnlyRootFilesystem").asBoolean() || sc.path("allowPrivilegeEscalation").asBoolean(true)) {
                problems.add(service + ": the container needs readOnlyRootFilesystem and no privilege escalation");
            }
            boolean tmpWritable = false;
            for (JsonNode m : c.path("volumeMounts")) {
                tmpWritable |= m.path("mountPath").asText().equals("/tmp");
            }
            if (!tmpWritable) {
                problems.add(service + ": a read-only root file system needs a volume at /tmp for Vert.x and the JVM");
            }
        }
        expectNoProblems(overlay, problems);
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void everyConfigMapAndSecretReferencedExists(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        List<String> problems = new ArrayList<>();
        r.podTemplates().forEach((workload, template) -> {
            for (JsonNode c : Rendered.containers(template)) {
                for (JsonNode from : c.path("envFrom")) {
                    check(r, problems, workload, "ConfigMap", from.path("configMapRef"));
                    check(r, problems, workload, "Secret", from.path("secretRef"));
                }
                for (JsonNode env : c.path("env")) {
                    check(r, problems, workload, "ConfigMap", env.path("valueFrom").path("configMapKeyRef"));
                    check(r, problems, workload, "Secret", env.path("valueFrom").path("secretKeyRef"));
                }
            }
            for (JsonNode v : template.path("spec").path("volumes")) {
                if (v.has("secret")) {
                    String name = v.path("secret").path("secretName").asText();
                    if (!r.secretExists(name) && !v.path("secret").path("optional").asBoolean()) {
                        problems.add(workload + ": volume from missing Secret " + name);
                    }
                }
                if (v.has("configMap") && r.find("ConfigMap", v.path("configMap").path("name").asText()).isEmpty()) {
                    problems.add(workload + ": volume from missing ConfigMap " + v.path("configMap").path("name"));
                }
            }
        });
        for (JsonNode k : r.of("Keycloak")) {
            for (String s : List.of("usernameSecret", "passwordSecret")) {
                String name = k.path("spec").path("db").path(s).path("name").asText();
                if (!r.secretExists(name)) {
                    problems.add(Rendered.id(k) + ": db." + s + " names missing Secret " + name);
                }
            }
        }
        for (JsonNode ingress : r.of("Ingress")) {
            for (JsonNode tls : ingress.path("spec").path("tls")) {
                boolean issued = ingress.path("metadata").path("annotations").has("cert-manager.io/cluster-issuer")
                        || ingress.path("metadata").path("annotations").has("cert-manager.io/issuer");
                if (!r.secretExists(tls.path("secretName").asText()) && !issued) {
                    problems.add(Rendered.id(ingress) + ": TLS Secret " + tls.path("secretName") + " neither exists nor is issued");
                }
            }
        }
        expectNoProblems(overlay, problems);
    }

    private static void check(Rendered r, List<String> problems, String workload, String kind, JsonNode ref) {
        if (ref.isMissingNode()) {
            return;
        }
        String name = ref.path("name").asText();
        boolean exists = kind.equals("Secret") ? r.secretExists(name) : r.find(kind, name).isPresent();
        if (!exists && !ref.path("optional").asBoolean()) {
            problems.add(workload + ": refers to missing " + kind + " " + name);
        }
        if (exists && kind.equals("ConfigMap") && ref.has("key")
                && !r.get(kind, name).path("data").has(ref.path("key").asText())) {
            problems.add(workload + ": ConfigMap " + name + " has no key " + ref.path("key"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void servicesBudgetsAutoscalersIngressesAndMonitorsReachRealPods(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        List<String> problems = new ArrayList<>();
        for (JsonNode svc : r.of("Service")) {
            List<JsonNode> pods = r.podsSelectedBy(labels(svc.path("spec").path("selector")));
            if (pods.isEmpty()) {
                problems.add(Rendered.id(svc) + " selects no pods");
            }
            for (JsonNode port : svc.path("spec").path("ports")) {
                String target = port.path("targetPort").asText(port.path("port").asText());
                if (pods.stream().noneMatch(p -> Rendered.podHasPort(p, target))) {
                    problems.add(Rendered.id(svc) + ": targetPort " + target + " is no container port of its pods");
                }
            }
        }
        for (String service : Repo.SERVICES) {
            if (r.find("Service", service).isEmpty() || r.find("PodDisruptionBudget", service).isEmpty()) {
                problems.add(service + " needs a Service and a PodDisruptionBudget");
            }
        }
        for (JsonNode pdb : r.of("PodDisruptionBudget")) {
            if (r.podsSelectedBy(labels(pdb.path("spec").path("selector").path("matchLabels"))).isEmpty()) {
                problems.add(Rendered.id(pdb) + " selects no pods");
            }
        }
        for (JsonNode hpa : r.of("HorizontalPodAutoscaler")) {
            JsonNode target = hpa.path("spec").path("scaleTargetRef");
            if (r.find(target.path("kind").asText(), target.path("name").asText()).isEmpty()) {
                problems.add(Rendered.id(hpa) + " scales a missing " + target);
            }
            if (hpa.path("spec").path("minReplicas").asInt() > hpa.path("spec").path("maxReplicas").asInt()) {
                problems.add(Rendered.id(hpa) + ": minReplicas > maxReplicas");
            }
        }
        assertThat(r.find("HorizontalPodAutoscaler", "task-executor")).as("the executor autoscales").isPresent();
        for (JsonNode ingress : r.of("Ingress")) {
            for (JsonNode rule : ingress.path("spec").path("rules")) {
                for (JsonNode path : rule.path("http").path("paths")) {
                    JsonNode backend = path.path("backend").path("service");
                    checkServicePort(r, problems, Rendered.id(ingress) + " " + rule.path("host").asText()
                            + path.path("path").asText(), backend.path("name").asText(), backend.path("port"));
                }
            }
        }
        for (JsonNode monitor : r.of("PodMonitor")) {
            List<JsonNode> pods = r.podsSelectedBy(labels(monitor.path("spec").path("selector").path("matchLabels")));
            if (pods.size() != Repo.SERVICES.size()) {
                problems.add(Rendered.id(monitor) + " selects " + pods.size() + " workloads, not the " + Repo.SERVICES.size() + " services");
            }
            for (JsonNode endpoint : monitor.path("spec").path("podMetricsEndpoints")) {
                if (!endpoint.path("path").asText().equals("/q/metrics")
                        || pods.stream().anyMatch(p -> !Rendered.podHasPort(p, endpoint.path("port").asText()))) {
                    problems.add(Rendered.id(monitor) + ": must scrape /q/metrics on a port every service has");
                }
            }
        }
        expectNoProblems(overlay, problems);
    }

    private static void checkServicePort(Rendered r, List<String> problems, String from, String service, JsonNode port) {
        var rendered = r.find("Service", service);
        if (rendered.isPresent()) {
            boolean found = false;
            for (JsonNode p : rendered.get().path("spec").path("ports")) {
                found |= port.has("name") ? p.path("name").asText().equals(port.path("name").asText())
                        : p.path("port").asInt() == port.path("number").asInt();
            }
            if (!found) {
                problems.add(from + ": Service " + service + " has no port " + port);
            }
        } else if (r.operatorServices.containsKey(service)) {
            if (!r.operatorServices.get(service).contains(port.path("number").asInt())) {
                problems.add(from + ": the operator's Service " + service + " has no port " + port);
            }
        } else {
            problems.add(from + ": no Service " + service);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void eachServiceGetsTheVariablesItReadsAndNoOthers(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        List<String> problems = new ArrayList<>();
        for (String service : Repo.SERVICES) {
            JsonNode c = Rendered.containers(r.get("Deployment", service).path("spec").path("template")).getFirst();
            Set<String> given = new TreeSet<>();
            c.path("env").forEach(e -> given.add(e.path("name").asText()));
            for (JsonNode from : c.path("envFrom")) {
                r.find("ConfigMap", from.path("configMapRef").path("name").asText())
                        .ifPresent(cm -> cm.path("data").fieldNames().forEachRemaining(given::add));
            }
            Set<String> read = Repo.environmentRead(service);
            for (String name : given) {
                // KAFKA_* become kafka.* client properties (Quarkus maps them); the rest must be read somewhere
                if (!read.contains(name) && !name.startsWith("KAFKA_") && !name.startsWith("QUARKUS_")) {
                    problems.add(service + " is given " + name + ", which it does not read");
                }
            }
            for (String needed : List.of("TASKMESH_KAFKA", "TASKMESH_DB_HOST", "TASKMESH_DB_PORT", "TASKMESH_DB_NAME",
                    "TASKMESH_DB_USER", "TASKMESH_DB_PASSWORD", "TASKMESH_KEYCLOAK_URL")) {
                if (read.contains(needed) && !given.contains(needed)) {
                    problems.add(service + " reads " + needed + " but is not given it");
                }
            }
            if (!given.containsAll(List.of("KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM", "KAFKA_SASL_JAAS_CONFIG"))) {
                problems.add(service + ": Kafka credentials (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*) missing");
            }
            for (JsonNode e : c.path("env")) {
                JsonNode secret = e.path("valueFrom").path("secretKeyRef");
                if (e.path("name").asText().equals("KAFKA_SASL_JAAS_CONFIG") && !secret.path("name").asText().equals(service)) {
                    problems.add(service + " uses the Kafka user " + secret.path("name") + ", not its own");
                }
            }
        }
        expectNoProblems(overlay, problems);
    }
}
