package io.taskmesh.cli.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.taskmesh.cli.Context;
import io.taskmesh.cli.ExitCode;
import io.taskmesh.cli.api.Query;
import io.taskmesh.cli.output.Table;
import io.taskmesh.cli.output.Text;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "runs", description = "Runs: list and show them, follow one, and take the decisions people take on them.",
        subcommands = {RunsCommand.ListRuns.class, RunsCommand.Get.class, RunsCommand.Cancel.class,
                RunsCommand.Validate.class, RunsCommand.Feedback.class, RunsCommand.Answer.class, RunsCommand.Logs.class})
public final class RunsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a runs command is missing");
    }

    static String path(String id) {
        return "/api/v1/runs/" + Query.encode(id);
    }

    @Command(name = "list", sortOptions = false, description = "Runs, newest first.")
    static final class ListRuns implements Callable<Integer> {

        private final Context context;

        @Option(names = {"-t", "--task"}, paramLabel = "<task>", description = "only the runs of this task")
        String task;

        @Option(names = {"-s", "--status"}, paramLabel = "<status>", split = ",",
                description = "only runs in these statuses (repeatable or comma-separated), e.g. FAILED,TIMED_OUT")
        List<String> statuses;

        @Option(names = "--is", paramLabel = "<predicate>",
                description = "ready, complete, incomplete, successful or failed")
        String predicate;

        @Option(names = {"-l", "--label"}, paramLabel = "<key=value>",
                description = "only the runs of tasks with this label (repeatable)")
        List<String> labels;

        @Option(names = "--from", paramLabel = "<instant>", description = "created at or after, e.g. 2026-01-31T00:00:00Z")
        String from;

        @Option(names = "--to", paramLabel = "<instant>", description = "created before")
        String to;

        @Option(names = "--limit", paramLabel = "<n>", description = "runs per page (default 50, at most 500)")
        Integer limit;

        @Option(names = "--cursor", paramLabel = "<cursor>", description = "the page after the one that gave this cursor")
        String cursor;

        ListRuns(Context context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            JsonNode page = context.api().get("/api/v1/runs", Query.of().add("task", task).addAll("status", statuses)
                    .addAll("label", labels).add("is", predicate).add("from", from).add("to", to).add("limit", limit).add("cursor", cursor));
            context.output().print(page, out -> {
                Table table = RunViews.table();
                page.path("items").forEach(run -> RunViews.row(table, run));
                if (table.isEmpty()) {
                    out.println("No runs.");
                } else {
                    table.print(out);
                }
                if (page.hasNonNull("nextCursor")) {
                    out.println("More: add --cursor " + page.get("nextCursor").asText());
                }
            });
            return ExitCode.OK;
        }
    }

    @Command(name = "get", description = "A run: status, attempt, inputs, result or error, timings, feedback.")
    static final class Get implements Callable<Integer> {

        private final Context context;

        @Parameters(paramLabel = "<run>", description = "the run's id")
        String id;

        Get(Context context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            JsonNode run = context.api().get(path(id));
            context.output().print(run, out -> RunViews.describe(out, run));
            return ExitCode.OK;
        }
    }

    /** cancel, validate, feedback: one POST, the run as it is afterwards. */
    abstract static class Decision implements Callable<Integer> {

        final Context context;

        @Parameters(index = "0", paramLabel = "<run>", description = "the run's id")
        String id;

        Decision(Context context) {
            this.context = context;
        }

        int decide(String verb, JsonNode body, String done) {
            JsonNode run = context.api().post(path(id) + "/" + verb, body);
            context.output().print(run, out -> out.println("Run " + id + ": " + done + " (" + run.path("status").asText() + ")."));
            return ExitCode.OK;
        }
    }

    @Command(name = "cancel", description = "Stop a run that has not finished.")
    static final class Cancel extends Decision {
        Cancel(Context context) {
            super(context);
        }

        @Override
        public Integer call() {
            return decide("cancel", null, "cancelled");
        }
    }

    @Command(name = "validate", description = "Accept the result of a run awaiting validation: it becomes VALIDATED.")
    static final class Validate extends Decision {
        Validate(Context context) {
            super(context);
        }

        @Override
        public Integer call() {
            return decide("validate", null, "validated");
        }
    }

    @Command(name = "feedback", description = "Send a result back with feedback: the run is revised and runs again with it.")
    static final class Feedback extends Decision {

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "<text>", description = "the feedback")
        List<String> words;

        Feedback(Context context) {
            super(context);
        }

        @Override
        public Integer call() {
            return decide("feedback", JsonNodeFactory.instance.objectNode().put("content", String.join(" ", words)),
                    "sent back with the feedback");
        }
    }

    @Command(name = "answer", description = "Answer the question of a run awaiting input: the same attempt goes on with it.")
    static final class Answer extends Decision {

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "<text>", description = "the answer")
        List<String> words;

        Answer(Context context) {
            super(context);
        }

        @Override
        public Integer call() {
            return decide("answer", JsonNodeFactory.instance.objectNode().put("content", String.join(" ", words)),
                    "answered");
        }
    }

    @Command(name = "logs", description = {"What happened to a run so far; with --follow, its status changes as they "
            + "happen until it ends (exit 0 only if it SUCCEEDED or was VALIDATED)."})
    static final class Logs implements Callable<Integer> {

        private final Context context;

        @Parameters(paramLabel = "<run>", description = "the run's id")
        String id;

        @Option(names = {"-f", "--follow"}, description = "follow the run until it ends")
        boolean follow;

        Logs(Context context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            if (follow) {
                return Following.follow(context, id, null);
            }
            JsonNode run = context.api().get(path(id));
            context.output().print(run, out -> timeline(out, run));
            return ExitCode.OK;
        }

        private static void timeline(PrintWriter out, JsonNode run) {
            out.println(Text.time(run.path("createdAt")) + "  requested by " + Text.of(run.path("requestedBy"))
                    + " with inputs " + Text.of(run.path("inputs")));
            if (run.hasNonNull("startedAt")) {
                out.println(Text.time(run.path("startedAt")) + "  started");
            }
            for (JsonNode f : run.path("feedbackHistory")) {
                out.println(Text.time(f.path("timestamp")) + "  feedback from " + Text.of(f.path("by")) + " on attempt "
                        + f.path("attempt").asText() + ": " + f.path("content").asText());
            }
            String at = run.hasNonNull("finishedAt") ? Text.time(run.path("finishedAt")) : Text.time(run.path("updatedAt"));
            out.println(at + "  " + run.path("status").asText() + ", attempt " + run.path("attempt").asText()
                    + (run.hasNonNull("error") ? ": " + RunViews.error(run.get("error")) : ""));
            RunViews.outcome(out, run);
        }
    }
}
