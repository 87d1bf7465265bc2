package io.taskmesh.notification.subscription;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** A tenant's wish to hear about run events (of one task, or all) on a channel. */
@Entity
@Table(name = "subscription")
public class Subscription {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String tenant;

    /** Null: every task of the tenant. */
    @Column(name = "task_name")
    public String taskName;

    /** Comma-separated run statuses, e.g. {@code SUCCEEDED,FAILED}. */
    @Column(nullable = false)
    public String statuses;

    @Column(nullable = false)
    public String channel;

    /** Where webhooks and Slack messages go; null for email. */
    public String url;

    /** Comma-separated email addresses; null for the other channels. */
    public String recipients;

    /** Standard Webhooks signing secret, {@code whsec_<base64>}; null for channels that are not signed. */
    public String secret;

    /** The secret before the last rotation, still signing beside the new one until it expires. */
    @Column(name = "previous_secret")
    public String previousSecret;

    @Column(name = "previous_secret_expires_at")
    public Instant previousSecretExpiresAt;

    /** Tasks selected by label: a JSON object whose every pair the task's labels must hold; null: no selection. */
    @Column(columnDefinition = "text")
    public String labels;

    /** The task whose definition's {@code notifications} asked for this subscription; null for one made through the API. */
    @Column(name = "managed_by_task")
    public UUID managedByTask;

    /** When it was deleted: it then matches nothing, and its deliveries stay visible. */
    @Column(name = "deleted_at")
    public Instant deletedAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    public List<String> recipientList() {
        return recipients == null ? List.of() : List.of(recipients.split(","));
    }

    public Set<String> statusSet() {
        return Arrays.stream(statuses.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }
}
