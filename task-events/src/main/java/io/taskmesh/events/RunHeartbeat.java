package io.taskmesh.events;

import java.time.Instant;

/**
 * "This attempt of this run is still being carried out here", sent every few seconds on
 * {@link Topics#RUN_CONTROL} by whoever executes it (an executor, an external worker). The first one takes a
 * lease on the attempt for task-scheduler; when they stop, the lease runs out and the run is taken again as a
 * new attempt, or fails when no attempt is left.
 */
public record RunHeartbeat(String tenant, String runId, int attempt, String worker, Instant at) {

    public static final String TYPE = EventTypes.RUN_HEARTBEAT;
}
