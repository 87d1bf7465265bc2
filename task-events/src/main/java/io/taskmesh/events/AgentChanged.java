package io.taskmesh.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A tenant's agent after a change: its full definition ({@code baseUrl}, {@code model}, {@code pool}…), whether
 * it is the tenant's default, or that it was deleted. Produced by task-api on {@link Topics#TASK_DEFINITIONS}
 * (key: {@code agent:<tenant>/<name>}, so compaction keeps the latest); task-scheduler resolves the agents
 * tasks name from it.
 */
public record AgentChanged(
        String tenant,
        String name,
        JsonNode agent,
        boolean isDefault,
        boolean deleted,
        Instant changedAt) {

    public static final String TYPE = EventTypes.AGENT_CHANGED;

    public String key() {
        return "agent:" + tenant + "/" + name;
    }
}
