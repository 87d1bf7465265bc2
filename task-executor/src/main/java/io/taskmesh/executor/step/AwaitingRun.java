package io.taskmesh.executor.step;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The attempt stops at a {@code task} step until a run of another task has ended: the scheduler starts that run,
 * as a subtask of this one, and when it ends requests this attempt again with its result as the answer to
 * {@link #question()}. The run stays RUNNING meanwhile, without an executor.
 */
public class AwaitingRun extends StepFailure {

    private final String question;
    private final String step;
    private final String task;
    private final JsonNode inputs;

    public AwaitingRun(String question, String step, String task, JsonNode inputs) {
        super("awaiting-run", "waiting for a run of task '" + task + "' (step '" + step + "')");
        this.question = question;
        this.step = step;
        this.task = task;
        this.inputs = inputs;
    }

    /** The key the other run's outcome comes back under: unique to the step, the attempt and the iteration. */
    public String question() {
        return question;
    }

    public String step() {
        return step;
    }

    public String task() {
        return task;
    }

    public JsonNode inputs() {
        return inputs;
    }
}
