package io.taskmesh.cli.runs;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskmesh.cli.Context;
import io.taskmesh.cli.ExitCode;
import io.taskmesh.cli.output.Text;
import java.io.PrintWriter;
import java.time.Duration;

/** Following a run to its end, as {@code run --wait} and {@code runs logs --follow} do. */
final class Following {

    private Following() {
    }

    /** The question a run awaiting input asks, once the API's view of the run has caught up with the event. */
    private static String question(Context context, String runId) {
        for (int tries = 0; tries < 15; tries++) {
            JsonNode run = context.api().get(RunsCommand.path(runId));
            if (run.hasNonNull("question") || RunWatcher.isTerminal(run.path("status").asText())) {
                return run.path("question").asText("");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "";
            }
        }
        return "";
    }

    /** Prints each status change, then the run; 0 when it SUCCEEDED or was VALIDATED, 1 otherwise. */
    static int follow(Context context, String runId, Duration timeout) {
        PrintWriter progress = context.progress();
        RunWatcher watcher = new RunWatcher(context.api(), context.clock(), (status, attempt, at, error) -> {
            String line = Text.time(com.fasterxml.jackson.databind.node.TextNode.valueOf(at)) + "  "
                    + String.format("%-20s", status) + " attempt " + attempt;
            if (error != null && !error.isNull() && RunWatcher.isTerminal(status)) {
                line += "  " + RunViews.error(error);
            }
            progress.println(line.stripTrailing());
            if (status.equals("AWAITING_INPUT")) {
                String question = question(context, runId);
                progress.println("  the run asks" + (question.isEmpty() ? " a question" : ": " + question)
                        + "\n  answer with 'taskmesh runs answer " + runId + " <text>'");
            }
            if (status.equals("AWAITING_VALIDATION")) {
                progress.println("  waiting for a person: 'taskmesh runs validate " + runId
                        + "' accepts the result, 'taskmesh runs feedback " + runId + " <text>' sends it back");
            }
            progress.flush();
        });
        JsonNode run = watcher.follow(runId, timeout);
        context.output().print(run, out -> RunViews.outcome(out, run));
        if (RunViews.successful(run)) {
            return ExitCode.OK;
        }
        PrintWriter err = context.err();
        context.out().flush();
        err.println("error: run " + runId + " ended " + run.path("status").asText()
                + (run.hasNonNull("error") ? ": " + RunViews.error(run.get("error")) : ""));
        err.flush();
        return ExitCode.FAILED;
    }
}
