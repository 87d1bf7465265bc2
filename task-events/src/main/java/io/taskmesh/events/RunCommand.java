package io.taskmesh.events;

/**
 * A person's decision about an existing run, produced by task-api on {@link Topics#RUN_COMMANDS} (key: run
 * id, so it follows the run's creation in order) and carried out by task-scheduler, which owns these
 * transitions. {@code content} is the feedback text or the answer; absent for cancel and validate.
 */
public record RunCommand(String tenant, String runId, String requestedBy, String content) {

    public static final String CANCEL = EventTypes.RUN_CANCEL;
    public static final String VALIDATE = EventTypes.RUN_VALIDATE;
    public static final String FEEDBACK = EventTypes.RUN_FEEDBACK;
}
