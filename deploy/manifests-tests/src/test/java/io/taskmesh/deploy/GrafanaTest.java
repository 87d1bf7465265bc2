package io.taskmesh.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** deploy/grafana: the dashboard parses, and each panel queries metrics the services expose. */
class GrafanaTest {

    @Test
    void everyPanelQueriesMetricsTheServicesExpose() {
        JsonNode dashboard = Repo.json("deploy/grafana/dashboards/taskmesh.json");
        assertThat(dashboard.path("uid").asText()).isEqualTo("taskmesh");
        List<String> problems = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        Set<String> used = new HashSet<>();
        int queries = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            String title = panel.path("title").asText();
            if (!ids.add(panel.path("id").asInt())) {
                problems.add(title + ": duplicate panel id " + panel.path("id"));
            }
            if (!panel.path("gridPos").has("w") || !panel.path("gridPos").has("h")) {
                problems.add(title + ": no gridPos");
            }
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            if (!panel.path("datasource").path("uid").asText().equals("${datasource}")) {
                problems.add(title + ": datasource is not the dashboard's ${datasource} variable");
            }
            if (panel.path("targets").isEmpty()) {
                problems.add(title + ": no query");
            }
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                queries++;
                used.addAll(MetricNames.in(expr));
                Set<String> unknown = MetricNames.unknownIn(expr);
                if (!unknown.isEmpty() || MetricNames.in(expr).isEmpty()) {
                    problems.add(title + ": unknown or no metrics " + unknown + " in " + expr);
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(queries).isGreaterThan(10);
        assertThat(used).contains("taskmesh_runs_finished_total", "taskmesh_outbox_pending",
                "kafka_consumer_fetch_manager_records_lag_max", "http_server_requests_seconds_count", "up");
    }

    @Test
    void provisioningPointsAtTheDashboardsAndPrometheus() {
        JsonNode providers = Repo.yaml("deploy/grafana/provisioning/dashboards/taskmesh.yaml");
        assertThat(providers.path("providers").get(0).path("type").asText()).isEqualTo("file");
        assertThat(providers.path("providers").get(0).path("options").path("path").asText()).isNotBlank();
        JsonNode datasources = Repo.yaml("deploy/grafana/provisioning/datasources/prometheus.yaml");
        assertThat(datasources.path("datasources").get(0).path("type").asText()).isEqualTo("prometheus");
    }
}
