package io.taskmesh.executor.step;

/**
 * The attempt stops until a person answers {@code question}: the run goes to AWAITING_INPUT, and the answer
 * comes back with the attempt's next request, where the same question finds it.
 */
public class AwaitingInput extends StepFailure {

    private final String question;

    public AwaitingInput(String question) {
        super("awaiting-input", "waiting for an answer to: " + question);
        this.question = question;
    }

    public String question() {
        return question;
    }
}
