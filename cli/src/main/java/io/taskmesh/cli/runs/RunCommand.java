package io.taskmesh.cli.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskmesh.cli.CliException;
import io.taskmesh.cli.Context;
import io.taskmesh.cli.ExitCode;
import io.taskmesh.cli.api.Query;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", sortOptions = false,
        description = {"Start a run of a task; with --wait, follow it to its end.",
                "--input values are JSON when they parse as JSON (21, true, [1,2], \"21\"), else text."})
public final class RunCommand implements Callable<Integer> {

    private final Context context;

    @Parameters(paramLabel = "<task>", description = "the task's name")
    String task;

    @Option(names = {"-i", "--input"}, paramLabel = "<key=value>", description = "one input (repeatable)")
    List<String> inputs;

    @Option(names = "--inputs", paramLabel = "<file>", description = "inputs from a JSON or YAML file, - for stdin")
    String inputsFile;

    @Option(names = {"-w", "--wait"}, description = "follow the run until it ends; exit 0 only if it SUCCEEDED or was VALIDATED")
    boolean await;

    @Option(names = "--timeout", paramLabel = "<seconds>", description = "with --wait: give up after this long (exit 1)")
    Long timeoutSeconds;

    @Option(names = "--idempotency-key", paramLabel = "<key>",
            description = "retries with the same key return the same run instead of starting another")
    String idempotencyKey;

    public RunCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (timeoutSeconds != null && (!await || timeoutSeconds < 1)) {
            throw CliException.usage("--timeout takes a number of seconds of at least 1, with --wait");
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("inputs", Inputs.of(inputsFile, inputs, context.environment().stdin()));
        JsonNode run = context.api().post("/api/v1/tasks/" + Query.encode(task) + "/runs", body,
                idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey));
        String id = run.path("id").asText();
        if (!await) {
            context.output().print(run, out -> {
                out.println("Run " + id + " of " + task + " (version " + run.path("taskVersion").asText() + "): "
                        + run.path("status").asText());
                out.println("Follow it with 'taskmesh runs logs " + id + " --follow'.");
            });
            return ExitCode.OK;
        }
        context.progress().println("Run " + id + " of " + task + " (version " + run.path("taskVersion").asText() + ")");
        return Following.follow(context, id, timeoutSeconds == null ? null : Duration.ofSeconds(timeoutSeconds));
    }
}
