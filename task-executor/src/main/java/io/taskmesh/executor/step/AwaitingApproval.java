package io.taskmesh.executor.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskmesh.events.RunStatus;

/**
 * The attempt stops at an {@code approval} step until a person decides: the run goes to AWAITING_VALIDATION,
 * showing the output so far ({@link #shown()}) and the step's message; validating it approves, feedback rejects
 * it. The decision comes back with the attempt's next request as the answer to {@link #question()}, a key unique
 * to the step and the attempt.
 */
public class AwaitingApproval extends Paused {

    private final String step;
    private final String message;
    private final JsonNode shown;

    public AwaitingApproval(String question, String step, String message, JsonNode shown) {
        super("awaiting-approval", "waiting for approval of step '" + step + "': " + message, question);
        this.step = step;
        this.message = message;
        this.shown = shown;
    }

    public String message() {
        return message;
    }

    @Override
    public RunStatus status() {
        return RunStatus.AWAITING_VALIDATION;
    }

    /** What the person approves: the output of the last step before the approval. */
    @Override
    public JsonNode shown() {
        return shown;
    }

    @Override
    public void describe(ObjectNode details) {
        details.putObject("approval").put("step", step).put("message", message);
    }

    AwaitingApproval showing(JsonNode output) {
        return new AwaitingApproval(question(), step, message, output);
    }
}
