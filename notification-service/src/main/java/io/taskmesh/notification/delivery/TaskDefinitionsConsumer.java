package io.taskmesh.notification.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.TaskDefinitionChanged;
import io.taskmesh.notification.subscription.Subscription;
import io.taskmesh.notification.subscription.SubscriptionRepository;
import io.taskmesh.notification.subscription.TaskProfile;
import io.taskmesh.notification.subscription.TaskProfiles;
import io.taskmesh.notification.subscription.rest.NewSubscription;
import io.taskmesh.notification.subscription.rest.SubscriptionResource;
import io.taskmesh.platform.messaging.EventConsumers;
import io.taskmesh.platform.messaging.IncomingEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Task definitions in: keeps each task's profile (labels, deliverable results, state), keeps the subscriptions its
 * definition's {@code notifications} ask for, and tells the subscriptions that ask for {@code TASK_DEACTIVATED}
 * when an active task becomes inactive or archived. An older definition than the one known changes nothing; a
 * redelivered one queues no second delivery.
 */
@ApplicationScoped
public class TaskDefinitionsConsumer {

    private static final Logger LOG = Logger.getLogger(TaskDefinitionsConsumer.class);
    public static final String TASK_DEACTIVATED_TYPE = "io.taskmesh.task.deactivated.v1";

    private final TaskProfiles profiles;
    private final SubscriptionRepository subscriptions;
    private final RunEventNotifier notifier;
    private final String apiBaseUrl;

    public TaskDefinitionsConsumer(TaskProfiles profiles, SubscriptionRepository subscriptions, RunEventNotifier notifier,
            @ConfigProperty(name = "taskmesh.api.base-url", defaultValue = "http://127.0.0.1:8080") String apiBaseUrl) {
        this.profiles = profiles;
        this.subscriptions = subscriptions;
        this.notifier = notifier;
        this.apiBaseUrl = apiBaseUrl;
    }

    @Incoming("task-definitions")
    public Uni<Void> onDefinition(Message<String> message) {
        return EventConsumers.handle(message, event -> TaskDefinitionChanged.TYPE.equals(event.type())
                ? Panache.withTransaction(() -> apply(event, event.data(TaskDefinitionChanged.class)))
                : Uni.createFrom().voidItem());
    }

    Uni<Void> apply(IncomingEvent incoming, TaskDefinitionChanged change) {
        return profiles.find(change.tenant(), change.name()).chain(known -> {
            if (known != null && (known.version > change.version()
                    || (known.version == change.version() && known.changedAt.isAfter(change.changedAt())))) {
                return Uni.createFrom().voidItem();
            }
            boolean deactivated = known != null && "active".equals(known.state) && !"active".equals(change.state());
            TaskProfile profile = known != null ? known : new TaskProfile();
            profile.tenant = change.tenant();
            profile.name = change.name();
            profile.taskId = UUID.fromString(change.taskId());
            profile.version = change.version();
            profile.state = change.state();
            JsonNode definition = change.definition();
            profile.labels = definition.path("labels").isObject() ? definition.get("labels").toString() : "{}";
            profile.deliverable = definition.path("isDeliverable").asBoolean(false);
            profile.validated = definition.path("validation").path("externalValidationRequired").asBoolean(false);
            profile.triggers = definition.path("triggers").isArray() ? definition.get("triggers").toString() : "[]";
            profile.changedAt = change.changedAt();
            Uni<Void> stored = known != null ? Uni.createFrom().voidItem() : profiles.persist(profile).replaceWithVoid();
            return stored.chain(() -> reconcile(profile, definition))
                    .chain(() -> deactivated ? tellDeactivated(incoming, change) : Uni.createFrom().voidItem());
        });
    }

    /**
     * The subscriptions the definition's {@code notifications} ask for, each named by the task and its content
     * (the same entry keeps its id, and its webhook secret, across versions); those it no longer asks for are deleted.
     */
    private Uni<Void> reconcile(TaskProfile task, JsonNode definition) {
        Map<UUID, NewSubscription> wanted = new HashMap<>();
        JsonNode notifications = definition.path("notifications");
        for (int i = 0; i < notifications.size(); i++) {
            NewSubscription asked;
            try {
                ObjectNode entry = notifications.get(i).deepCopy();
                entry.put("task", task.name);
                entry.remove("labels");
                asked = EventJson.mapper().treeToValue(entry, NewSubscription.class);
            } catch (Exception e) {
                LOG.warnf("task %s/%s: notifications[%d] is unreadable and ignored: %s", task.tenant, task.name, i, e.getMessage());
                continue;
            }
            var problems = asked.validate();
            if (!problems.isEmpty()) {
                LOG.warnf("task %s/%s: notifications[%d] ignored: %s", task.tenant, task.name, i, problems);
                continue;
            }
            UUID id = UUID.nameUUIDFromBytes((task.taskId + "/notifications/" + notifications.get(i))
                    .getBytes(StandardCharsets.UTF_8));
            wanted.put(id, asked);
        }
        return subscriptions.managedBy(task.taskId).chain(existing -> {
            Uni<Void> work = Uni.createFrom().voidItem();
            for (Subscription s : existing) {
                if (wanted.remove(s.id) == null) {
                    s.deletedAt = Instant.now();
                }
            }
            for (Map.Entry<UUID, NewSubscription> add : wanted.entrySet()) {
                Subscription s = add.getValue().toSubscription(add.getKey(), task.tenant, "task:" + task.name,
                        SubscriptionResource.newSecret());
                s.managedByTask = task.taskId;
                work = work.chain(() -> subscriptions.findById(s.id)).chain(old -> {
                    if (old != null) {
                        // asked for again after it was dropped: in force again, with its secret
                        old.deletedAt = null;
                        return Uni.createFrom().voidItem();
                    }
                    return subscriptions.persist(s).replaceWithVoid();
                });
            }
            return work;
        });
    }

    private Uni<Void> tellDeactivated(IncomingEvent incoming, TaskDefinitionChanged change) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("type", TASK_DEACTIVATED_TYPE);
        body.put("id", incoming.id());
        body.put("timestamp", change.changedAt().toString());
        ObjectNode data = body.putObject("data");
        data.put("task", change.name());
        data.put("taskVersion", change.version());
        data.put("status", "DEACTIVATED");
        data.put("state", change.state());
        data.put("link", apiBaseUrl + "/api/v1/tasks/" + change.name());
        return notifier.matching(change.tenant(), change.name(),
                        (s, task) -> s.statusSet().contains(NewSubscription.TASK_DEACTIVATED))
                .chain(matching -> notifier.queueAll(matching, incoming.id(), TASK_DEACTIVATED_TYPE, null, body.toString()));
    }
}
