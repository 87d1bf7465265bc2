package io.taskmesh.notification.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskmesh.events.EventJson;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;

/** What the service knows of a task, from its latest definition: labels, deliverable results, state. */
@Entity
@Table(name = "task_profile")
@IdClass(TaskProfile.Key.class)
public class TaskProfile {

    public record Key(String tenant, String name) implements Serializable {
        public Key() {
            this(null, null);
        }
    }

    @Id
    public String tenant;

    @Id
    public String name;

    @Column(name = "task_id", nullable = false)
    public UUID taskId;

    @Column(nullable = false)
    public int version;

    @Column(nullable = false)
    public String state;

    /** The task's labels, a JSON object of strings. */
    @Column(nullable = false, columnDefinition = "text")
    public String labels;

    /** {@code isDeliverable}: its runs' results are pushed to the subscriptions that ask for DELIVERABLE. */
    @Column(nullable = false)
    public boolean deliverable;

    /** {@code validation.externalValidationRequired}: a result is delivered once a person validated it. */
    @Column(nullable = false)
    public boolean validated;

    /** The task's triggers, a JSON array: when a run a time trigger started is late. */
    @Column(nullable = false, columnDefinition = "text")
    public String triggers = "[]";

    @Column(name = "changed_at", nullable = false)
    public Instant changedAt;

    /** Whether the task's labels hold every pair of {@code selector} (a JSON object of strings). */
    public boolean hasLabels(String selector) {
        JsonNode wanted = EventJson.readTree(selector);
        JsonNode own = EventJson.readTree(labels);
        for (Iterator<Map.Entry<String, JsonNode>> it = wanted.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> pair = it.next();
            if (!own.path(pair.getKey()).isTextual() || !own.get(pair.getKey()).asText().equals(pair.getValue().asText())) {
                return false;
            }
        }
        return true;
    }

    /** Whether a run that reached {@code status} has delivered its result. */
    public boolean delivers(String status) {
        return deliverable && (validated ? "VALIDATED".equals(status) : "SUCCEEDED".equals(status) || "VALIDATED".equals(status));
    }
}
