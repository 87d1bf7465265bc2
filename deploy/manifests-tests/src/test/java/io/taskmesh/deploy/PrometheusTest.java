package io.taskmesh.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** deploy/prometheus: valid for Prometheus itself, alerts that fire when they should, real metric names. */
class PrometheusTest {

    private static final Path DIR = Repo.path("deploy/prometheus");
    static final String RULE = "deploy/k8s/components/monitoring/prometheusrule.yaml";

    @Test
    void promtoolAcceptsTheConfigurationAndTheRules() {
        assertThat(Tools.succeed(DIR, List.of("promtool", "check", "config", "prometheus.yml"))).contains("SUCCESS");
        assertThat(Tools.succeed(DIR, List.of("promtool", "check", "rules", "alerts.yml"))).contains("SUCCESS");
    }

    @Test
    void theAlertsFireOnTheSeriesThatShouldRaiseThem() {
        assertThat(Tools.succeed(DIR, List.of("promtool", "test", "rules", "alerts.test.yml"))).contains("SUCCESS");
    }

    @Test
    void alertsCoverTheFailureModesAndUseOnlyMetricsTheServicesExpose() {
        JsonNode alerts = Repo.yaml("deploy/prometheus/alerts.yml");
        List<String> names = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (JsonNode group : alerts.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                names.add(rule.path("alert").asText());
                Set<String> unknown = MetricNames.unknownIn(rule.path("expr").asText());
                if (!unknown.isEmpty()) {
                    problems.add(rule.path("alert").asText() + " uses metrics no service exposes: " + unknown);
                }
                if (MetricNames.in(rule.path("expr").asText()).isEmpty()) {
                    problems.add(rule.path("alert").asText() + " uses no metric at all");
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(names).contains("TaskmeshServiceDown", "TaskmeshRunFailureRate", "TaskmeshConsumerLag",
                "TaskmeshDeadLetters", "TaskmeshOutboxBacklog");
        JsonNode config = Repo.yaml("deploy/prometheus/prometheus.yml");
        Set<String> scraped = new java.util.TreeSet<>();
        for (JsonNode job : config.path("scrape_configs")) {
            assertThat(job.path("metrics_path").asText()).isEqualTo("/q/metrics");
            job.path("static_configs").forEach(s -> scraped.add(s.path("labels").path("service").asText()));
        }
        assertThat(scraped).containsExactlyInAnyOrderElementsOf(Repo.SERVICES);
    }

    @Test
    void theMetricNameReaderFindsMetricsNotFunctionsOrLabels() {
        assertThat(MetricNames.in("sum by (service, le) (rate(a_total{status=~\"FAILED|x\"}[5m])) / on(job) b > 0.2 "
                + "and histogram_quantile(0.99, c_bucket) > bool 1")).containsExactlyInAnyOrder("a_total", "b", "c_bucket");
        assertThat(MetricNames.unknownIn("rate(taskmesh_no_such_metric_total[5m])")).contains("taskmesh_no_such_metric_total");
    }

    /** The Prometheus operator's copy of alerts.yml (deploy/k8s/components/monitoring) says the same. */
    @Test
    void thePrometheusRuleForTheOperatorHoldsTheSameAlerts() throws IOException {
        JsonNode alerts = Repo.yaml("deploy/prometheus/alerts.yml");
        if (Boolean.getBoolean("taskmesh.regenerate")) {
            ObjectNode rule = Repo.YAML.createObjectNode();
            rule.put("apiVersion", "monitoring.coreos.com/v1").put("kind", "PrometheusRule");
            rule.putObject("metadata").put("name", "taskmesh");
            rule.set("spec", alerts);
            String header = """
                    # deploy/prometheus/alerts.yml for the Prometheus operator. deploy/manifests-tests checks that the two
                    # are equal, and rewrites this file when run with -Dtaskmesh.regenerate=true.
                    """;
            YAMLMapper writer = YAMLMapper.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                    .disable(YAMLGenerator.Feature.SPLIT_LINES).enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                    .build();
            Files.writeString(Repo.path(RULE), header + writer.writeValueAsString(rule));
        }
        assertThat(Repo.yaml(RULE).path("spec")).as("%s differs from deploy/prometheus/alerts.yml; regenerate it with "
                + "./mvnw test -pl deploy/manifests-tests -Dtaskmesh.regenerate=true", RULE).isEqualTo(alerts);
        assertThat(Rendered.overlay("overlays/prod").find("PrometheusRule", "taskmesh")).isPresent();
    }
}
