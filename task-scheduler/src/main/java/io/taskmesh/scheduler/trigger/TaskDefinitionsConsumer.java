package io.taskmesh.scheduler.trigger;

import io.smallrye.mutiny.Uni;
import io.taskmesh.events.TaskDefinitionChanged;
import io.taskmesh.platform.messaging.EventConsumers;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Task definitions in, triggers out: every change applies the task's triggers from the next fire time on. */
@ApplicationScoped
public class TaskDefinitionsConsumer {

    private final TriggerService triggers;

    public TaskDefinitionsConsumer(TriggerService triggers) {
        this.triggers = triggers;
    }

    @Incoming("task-definitions")
    public Uni<Void> onDefinition(Message<String> message) {
        return EventConsumers.handle(message, event -> triggers.apply(event.data(TaskDefinitionChanged.class)));
    }
}
