package io.taskmesh.cli.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskmesh.cli.Context;
import io.taskmesh.cli.ExitCode;
import io.taskmesh.cli.api.ApiClient;
import io.taskmesh.cli.api.ApiException;
import io.taskmesh.cli.api.Query;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "apply", sortOptions = false,
        description = {"Create or update tasks from definition files, so definitions can live in git.",
                "A task whose definition is already the stored one is left alone (unchanged); any other gets a new",
                "version, shown with the top-level fields that change. Every file is applied even if one fails."})
public final class ApplyCommand implements Callable<Integer> {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Context context;

    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "<file|dir>",
            description = "a YAML or JSON file (several YAML documents allowed), a directory of them, or - for stdin")
    List<String> files;

    @Option(names = "--dry-run", description = "show what would change, change nothing")
    boolean dryRun;

    public ApplyCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        List<DefinitionFiles.Definition> definitions = DefinitionFiles.read(files, context.environment().stdin());
        ApiClient api = context.api();
        ArrayNode report = JSON.arrayNode();
        PrintWriter out = context.progress();
        int exitCode = ExitCode.OK;
        for (DefinitionFiles.Definition definition : definitions) {
            ObjectNode outcome = report.addObject().put("name", definition.name()).put("source", definition.source());
            try {
                apply(api, definition, outcome);
            } catch (ApiException e) {
                outcome.put("action", "failed");
                outcome.set("problem", e.problem().isMissingNode() ? JSON.objectNode().put("detail", e.getMessage()) : e.problem());
                exitCode = exitCode == ExitCode.OK ? e.exitCode() : exitCode;
                if (!context.output().structured()) {
                    out.println(definition.name() + ": failed: " + e.getMessage() + "  (" + definition.source() + ")");
                    e.details().forEach(d -> out.println("  " + d));
                }
                continue;
            }
            if (!context.output().structured()) {
                printReadable(out, outcome);
            }
        }
        if (context.output().structured()) {
            context.output().print(report, w -> { });
        }
        out.flush();
        return exitCode;
    }

    private void apply(ApiClient api, DefinitionFiles.Definition definition, ObjectNode outcome) {
        String path = "/api/v1/tasks/" + Query.encode(definition.name());
        Optional<JsonNode> stored = api.find(path);
        if (stored.isEmpty()) {
            outcome.put("action", "created");
            if (dryRun) {
                return;
            }
            JsonNode created = api.post("/api/v1/tasks", definition.body());
            outcome.put("version", created.path("version").asInt());
            return;
        }
        int current = stored.get().path("version").asInt();
        outcome.put("previousVersion", current);
        List<DefinitionDiff.Change> changes = DefinitionDiff.between(stored.get().path("definition"), definition.body());
        if (changes.isEmpty()) {
            outcome.put("action", "unchanged").put("version", current);
            return;
        }
        outcome.put("action", "updated");
        ArrayNode listed = outcome.putArray("changes");
        for (DefinitionDiff.Change change : changes) {
            ObjectNode c = listed.addObject().put("field", change.field()).put("change", change.kind());
            if (change.before() != null) {
                c.set("before", change.before());
            }
            if (change.after() != null) {
                c.set("after", change.after());
            }
        }
        if (dryRun) {
            outcome.put("version", current + 1);
            return;
        }
        JsonNode updated = api.put(path, definition.body());
        outcome.put("version", updated.path("version").asInt());
    }

    private void printReadable(PrintWriter out, ObjectNode outcome) {
        String name = outcome.path("name").asText();
        String would = dryRun ? " (dry run)" : "";
        switch (outcome.path("action").asText()) {
            case "created" -> out.println(name + ": created" + (dryRun ? would : ", version " + outcome.path("version").asInt()));
            case "unchanged" -> out.println(name + ": unchanged, version " + outcome.path("version").asInt());
            default -> {
                out.println(name + ": updated, version " + outcome.path("previousVersion").asInt() + " → "
                        + outcome.path("version").asInt() + would);
                for (JsonNode change : outcome.path("changes")) {
                    out.println("  " + new DefinitionDiff.Change(change.path("field").asText(), change.path("change").asText(),
                            change.get("before"), change.get("after")).describe());
                }
            }
        }
    }
}
