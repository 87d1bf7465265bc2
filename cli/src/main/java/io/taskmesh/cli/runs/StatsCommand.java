package io.taskmesh.cli.runs;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskmesh.cli.Context;
import io.taskmesh.cli.ExitCode;
import io.taskmesh.cli.api.Query;
import io.taskmesh.cli.output.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "stats", sortOptions = false,
        description = "A task's runs by status, success rate and durations (the last 7 days unless --from/--to say).")
public final class StatsCommand implements Callable<Integer> {

    private final Context context;

    @Parameters(paramLabel = "<task>", description = "the task's name")
    String task;

    @Option(names = "--from", paramLabel = "<instant>", description = "runs created at or after, e.g. 2026-01-31T00:00:00Z")
    String from;

    @Option(names = "--to", paramLabel = "<instant>", description = "runs created before (default: now)")
    String to;

    public StatsCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        JsonNode stats = context.api().get("/api/v1/tasks/" + Query.encode(task) + "/runs/stats",
                Query.of().add("from", from).add("to", to));
        context.output().print(stats, out -> {
            out.println("Task:          " + stats.path("task").asText());
            out.println("Window:        " + Text.time(stats.path("from")) + " → " + Text.time(stats.path("to")));
            out.println("Runs:          " + stats.path("total").asLong());
            List<String> byStatus = new ArrayList<>();
            stats.path("byStatus").properties().forEach(e -> byStatus.add(e.getKey() + " " + e.getValue().asLong()));
            out.println("By status:     " + (byStatus.isEmpty() ? "-" : String.join(", ", byStatus)));
            JsonNode rate = stats.path("successRate");
            out.println("Success rate:  " + (rate.isNumber()
                    ? String.format(Locale.ROOT, "%.1f %%", rate.asDouble() * 100) : "- (none finished)"));
            JsonNode ms = stats.path("durationMs");
            if (ms.path("max").isNumber()) {
                out.println("Duration:      p50 " + millis(ms.get("p50")) + ", p90 " + millis(ms.get("p90")) + ", p99 "
                        + millis(ms.get("p99")) + ", max " + millis(ms.get("max")));
            }
        });
        return ExitCode.OK;
    }

    private static String millis(JsonNode value) {
        return value == null || !value.isNumber() ? "-" : String.format(Locale.ROOT, "%.0f ms", value.asDouble());
    }
}
