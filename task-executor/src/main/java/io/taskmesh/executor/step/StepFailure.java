package io.taskmesh.executor.step;

/** Why a run failed, in words for the person who reads the run: a code to filter on and a message. */
public class StepFailure extends RuntimeException {

    private final String code;

    public StepFailure(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
