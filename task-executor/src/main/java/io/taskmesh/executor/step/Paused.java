package io.taskmesh.executor.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskmesh.events.RunStatus;

/**
 * The attempt stops until something outside it happens — a person answers or decides, another run ends — and is
 * then requested again with the outcome as the answer to {@link #question()}. The run reports {@link #status()},
 * with the question, what it shows meanwhile and what it waits for in its details.
 */
public abstract class Paused extends StepFailure {

    private final String question;

    protected Paused(String code, String message, String question) {
        super(code, message);
        this.question = question;
    }

    /** The key the outcome comes back under. */
    public String question() {
        return question;
    }

    /** The status the run waits in. */
    public abstract RunStatus status();

    /** The result the run shows while it waits, if any. */
    public JsonNode shown() {
        return null;
    }

    /** Adds to the run's details what it waits for. */
    public void describe(ObjectNode details) {
    }
}
