package io.taskmesh.events;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The one status machine of a run, shared by every service. Transitions not listed here are invalid
 * and are rejected, never applied.
 */
public enum RunStatus {
    PENDING,
    READY,
    QUEUED,
    RUNNING,
    AWAITING_INPUT,
    AWAITING_VALIDATION,
    REVISE,
    SUCCEEDED,
    VALIDATED,
    FAILED,
    CANCELLED,
    TIMED_OUT,
    SKIPPED;

    private static final Set<RunStatus> TERMINAL =
            EnumSet.of(SUCCEEDED, VALIDATED, FAILED, CANCELLED, TIMED_OUT, SKIPPED);

    public boolean isTerminal() {
        return TERMINAL.contains(this);
    }

    /** Successful in the ControlFlow sense: a dependent may start. */
    public boolean isSuccessful() {
        return this == SUCCEEDED || this == VALIDATED;
    }

    /**
     * Whether a run may move from this status to {@code next}. A FAILED run may go back to QUEUED
     * while attempts remain; that decision belongs to the scheduler, which is why it is allowed here.
     */
    public boolean canTransitionTo(RunStatus next) {
        return switch (this) {
            case PENDING -> next == READY || next == QUEUED || next == SKIPPED || next == CANCELLED;
            case READY -> next == QUEUED || next == SKIPPED || next == CANCELLED;
            case QUEUED -> next == RUNNING || next == CANCELLED || next == TIMED_OUT || next == FAILED;
            case RUNNING -> next == AWAITING_INPUT || next == AWAITING_VALIDATION || next == SUCCEEDED
                    || next == FAILED || next == CANCELLED || next == TIMED_OUT;
            case AWAITING_INPUT -> next == RUNNING || next == CANCELLED || next == TIMED_OUT;
            case AWAITING_VALIDATION -> next == VALIDATED || next == REVISE || next == CANCELLED;
            case REVISE -> next == QUEUED || next == CANCELLED;
            case FAILED -> next == QUEUED;
            case SUCCEEDED, VALIDATED, CANCELLED, TIMED_OUT, SKIPPED -> false;
        };
    }

    /** CloudEvent type announcing that a run entered this status, e.g. {@code io.taskmesh.run.succeeded.v1}. */
    public String eventType() {
        String word = this == RUNNING ? "started" : name().toLowerCase(Locale.ROOT).replace('_', '-');
        return "io.taskmesh.run." + word + ".v1";
    }

    public static RunStatus fromEventType(String type) {
        for (RunStatus status : values()) {
            if (status.eventType().equals(type)) {
                return status;
            }
        }
        throw new IllegalArgumentException("not a run status event type: " + type);
    }
}
