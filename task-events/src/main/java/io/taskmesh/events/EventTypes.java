package io.taskmesh.events;

/** CloudEvent {@code type} values that are not run status transitions (those come from {@link RunStatus#eventType()}). */
public final class EventTypes {

    public static final String TASK_DEFINITION_CHANGED = "io.taskmesh.task.definition.v1";
    public static final String AGENT_CHANGED = "io.taskmesh.agent.definition.v1";
    public static final String RUN_CREATE = "io.taskmesh.run.create.v1";
    public static final String RUN_REQUESTED = "io.taskmesh.run.requested.v1";
    public static final String RUN_CANCEL = "io.taskmesh.run.cancel.v1";
    public static final String RUN_VALIDATE = "io.taskmesh.run.validate.v1";
    public static final String RUN_FEEDBACK = "io.taskmesh.run.feedback.v1";
    public static final String RUN_ANSWER = "io.taskmesh.run.answer.v1";
    public static final String RUN_HEARTBEAT = "io.taskmesh.run.heartbeat.v1";
    public static final String RUN_NOTIFICATION = "io.taskmesh.run.notification.v1";

    /** Prefix shared by every run status event type. */
    public static final String RUN_STATUS_PREFIX = "io.taskmesh.run.";

    private EventTypes() {
    }

    public static boolean isRunStatus(String type) {
        if (type == null) {
            return false;
        }
        try {
            RunStatus.fromEventType(type);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
