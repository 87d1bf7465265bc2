package io.taskmesh.executor.step;

import io.taskmesh.events.RunStatus;

/**
 * The attempt stops until a person answers {@code question}: the run goes to AWAITING_INPUT, and the answer
 * comes back with the attempt's next request, where the same question finds it.
 */
public class AwaitingInput extends Paused {

    public AwaitingInput(String question) {
        super("awaiting-input", "waiting for an answer to: " + question, question);
    }

    @Override
    public RunStatus status() {
        return RunStatus.AWAITING_INPUT;
    }
}
