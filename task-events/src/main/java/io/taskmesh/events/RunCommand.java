package io.taskmesh.events;

/**
 * A person's decision about an existing run, produced by task-api on {@link Topics#RUN_COMMANDS} (key: run
 * id, so it follows the run's creation in order) and carried out by task-scheduler, which owns these
 * transitions. {@code content} is the feedback text or the answer; absent for cancel and validate.
 * {@code seq} is the run's seq the decision was taken on: a scheduler that has not seen that far yet waits
 * for it rather than judging the run on an older status.
 */
public record RunCommand(String tenant, String runId, String requestedBy, String content, Long seq) {

    public static final String CANCEL = EventTypes.RUN_CANCEL;
    public static final String VALIDATE = EventTypes.RUN_VALIDATE;
    public static final String FEEDBACK = EventTypes.RUN_FEEDBACK;
    /** The answer to the question a run in AWAITING_INPUT asked: the attempt goes on with it. */
    public static final String ANSWER = EventTypes.RUN_ANSWER;
}
