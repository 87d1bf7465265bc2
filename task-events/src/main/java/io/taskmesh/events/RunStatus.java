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
            // RUNNING again: an approval step was decided, and the attempt goes on after it
            case AWAITING_VALIDATION -> next == VALIDATED || next == REVISE || next == CANCELLED || next == RUNNING;
            case REVISE -> next == QUEUED || next == CANCELLED;
            case FAILED -> next == QUEUED;
            case SUCCEEDED, VALIDATED, CANCELLED, TIMED_OUT, SKIPPED -> false;
        };
    }

    /**
     * Whether {@code next} can follow this status through one or more valid transitions. Events of one
     * run come from several services; a projection that has missed or not yet seen an intermediate event
     * (by its {@code seq}) can still apply a later one that is reachable.
     */
    public boolean canReach(RunStatus next) {
        EnumSet<RunStatus> seen = EnumSet.noneOf(RunStatus.class);
        java.util.ArrayDeque<RunStatus> todo = new java.util.ArrayDeque<>(java.util.List.of(this));
        while (!todo.isEmpty()) {
            RunStatus current = todo.poll();
            for (RunStatus candidate : values()) {
                if (current.canTransitionTo(candidate) && seen.add(candidate)) {
                    if (candidate == next) {
                        return true;
                    }
                    todo.add(candidate);
                }
            }
        }
        return false;
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
