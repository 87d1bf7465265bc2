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
