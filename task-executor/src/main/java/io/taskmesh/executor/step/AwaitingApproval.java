package io.taskmesh.executor.step;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The attempt stops at an {@code approval} step until a person decides: the run goes to AWAITING_VALIDATION,
 * showing the output so far ({@link #shown()}) and the step's message; validating it approves, feedback rejects
 * it. The decision comes back with the attempt's next request as the answer to {@link #question()}.
 */
public class AwaitingApproval extends StepFailure {

    private final String question;
    private final String step;
    private final String message;
    private final JsonNode shown;

    public AwaitingApproval(String question, String step, String message, JsonNode shown) {
        super("awaiting-approval", "waiting for approval of step '" + step + "': " + message);
        this.question = question;
        this.step = step;
        this.message = message;
        this.shown = shown;
    }

    /** The key the decision comes back under: unique to the step and the attempt. */
    public String question() {
        return question;
    }

    public String step() {
        return step;
    }

    public String message() {
        return message;
    }

    /** What the person approves: the output of the last step before the approval. */
    public JsonNode shown() {
        return shown;
    }

    AwaitingApproval showing(JsonNode output) {
        return new AwaitingApproval(question, step, message, output);
    }
}
