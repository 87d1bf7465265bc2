package io.taskmesh.events;

/** Kafka topic names: the only place they are spelled out. */
public final class Topics {

    /** Full snapshot of a task definition on every change; key = task id; compacted. */
    public static final String TASK_DEFINITIONS = "taskmesh.task-definitions";
    /** Requests to act on runs (create, cancel, validate, feedback, answer); key = run id or task. */
    public static final String RUN_COMMANDS = "taskmesh.run-commands";
    /** Work for executors: one attempt of one run; key = run id. */
    public static final String RUN_REQUESTS = "taskmesh.run-requests";
    /** Status transitions of runs; key = run id so a run's events stay in order. */
    public static final String RUN_EVENTS = "taskmesh.run-events";
    /** Signals to the executor running a run (cancel, answer); key = run id. */
    public static final String RUN_CONTROL = "taskmesh.run-control";
    /** What runs ask to tell people ({@code notify} steps), for notification-service; key = run id. */
    public static final String NOTIFICATIONS = "taskmesh.notifications";

    public static final String DLQ_SUFFIX = ".dlq";

    /**
     * Records of the topics event triggers read (topics named in task definitions, not by the platform) that
     * could not be taken: not a CloudEvent, or failing past retries. The source topic, partition and offset are
     * in the {@code dead-letter-topic}, {@code -partition} and {@code -offset} headers.
     */
    public static final String EVENT_TRIGGERS_DLQ = "taskmesh.event-triggers.dlq";

    public static final java.util.List<String> ALL =
            java.util.List.of(TASK_DEFINITIONS, RUN_COMMANDS, RUN_REQUESTS, RUN_EVENTS, RUN_CONTROL,
                    NOTIFICATIONS);

    private Topics() {
    }

    public static String deadLetter(String topic) {
        return topic + DLQ_SUFFIX;
    }

    /**
     * Where the attempts of a run go: {@link #RUN_REQUESTS} for this platform's executors, or
     * {@code taskmesh.run-requests.<pool>} when the task's agent names a {@code pool} of external workers.
     */
    public static String runRequests(String pool) {
        return pool == null || pool.isBlank() ? RUN_REQUESTS : RUN_REQUESTS + "." + pool;
    }
}
