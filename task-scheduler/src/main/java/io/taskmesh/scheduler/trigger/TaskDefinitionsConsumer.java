package io.taskmesh.scheduler.trigger;

import io.smallrye.mutiny.Uni;
import io.taskmesh.events.AgentChanged;
import io.taskmesh.events.TaskDefinitionChanged;
import io.taskmesh.scheduler.agent.AgentDirectory;
import io.taskmesh.platform.messaging.EventConsumers;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Task definitions in, triggers out: every change applies the task's triggers from the next fire time on. The
 * same topic carries the tenants' agents, kept for resolving the agent of each run.
 */
@ApplicationScoped
public class TaskDefinitionsConsumer {

    private final TriggerService triggers;
    private final AgentDirectory agents;

    public TaskDefinitionsConsumer(TriggerService triggers, AgentDirectory agents) {
        this.triggers = triggers;
        this.agents = agents;
    }

    @Incoming("task-definitions")
    public Uni<Void> onDefinition(Message<String> message) {
        return EventConsumers.handle(message, event -> AgentChanged.TYPE.equals(event.type())
                ? agents.apply(event.data(AgentChanged.class))
                : triggers.apply(event.data(TaskDefinitionChanged.class)));
    }
}
