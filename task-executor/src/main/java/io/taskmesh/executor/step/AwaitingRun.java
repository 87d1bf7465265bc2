package io.taskmesh.executor.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskmesh.events.RunStatus;

/**
 * The attempt stops at a {@code task} step until a run of another task has ended: the scheduler starts that run,
 * as a subtask of this one, and when it ends requests this attempt again with its result as the answer to
 * {@link #question()}, a key unique to the step, the attempt and the iteration. The run stays RUNNING meanwhile,
 * without an executor.
 */
public class AwaitingRun extends Paused {

    private final String step;
    private final String task;
    private final JsonNode inputs;

    public AwaitingRun(String question, String step, String task, JsonNode inputs) {
        super("awaiting-run", "waiting for a run of task '" + task + "' (step '" + step + "')", question);
        this.step = step;
        this.task = task;
        this.inputs = inputs;
    }

    @Override
    public RunStatus status() {
        return RunStatus.RUNNING;
    }

    @Override
    public void describe(ObjectNode details) {
        details.putObject("awaitingRun").put("step", step).put("task", task).set("inputs", inputs);
    }
}
