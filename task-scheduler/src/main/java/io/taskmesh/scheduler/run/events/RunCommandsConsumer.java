package io.taskmesh.scheduler.run.events;

import io.smallrye.mutiny.Uni;
import io.taskmesh.events.MalformedEventException;
import io.taskmesh.events.RunCommand;
import io.taskmesh.events.RunCreateCommand;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunHeartbeat;
import io.taskmesh.events.RunStatus;
import io.taskmesh.platform.messaging.IncomingEvent;
import io.taskmesh.platform.messaging.EventConsumers;
import io.taskmesh.scheduler.run.service.RunScheduler;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** The scheduler's inputs: run commands (what to run) and run events (how runs are going). */
@ApplicationScoped
public class RunCommandsConsumer {

    private final RunScheduler scheduler;
    private final String service;

    public RunCommandsConsumer(RunScheduler scheduler, @ConfigProperty(name = "quarkus.application.name") String service) {
        this.scheduler = scheduler;
        this.service = service;
    }

    @Incoming("run-commands")
    public Uni<Void> onCommand(Message<String> message) {
        return EventConsumers.handle(message, event -> {
            return switch (event.type()) {
                case RunCreateCommand.TYPE -> scheduler.accept(event.data(RunCreateCommand.class), event.id());
                case RunCommand.CANCEL, RunCommand.VALIDATE, RunCommand.FEEDBACK, RunCommand.ANSWER ->
                        scheduler.decide(event.type(), event.data(RunCommand.class));
                default -> throw new MalformedEventException("unsupported run command type " + event.type());
            };
        });
    }

    @Incoming("run-events")
    public Uni<Void> onRunEvent(Message<String> message) {
        return EventConsumers.handle(message, event -> ownStep(event) ? Uni.createFrom().voidItem()
                : scheduler.observe(event.data(RunEvent.class)));
    }

    /**
     * A step the scheduler announced itself, short of an end (PENDING, QUEUED, a resumed RUNNING): the run stored
     * that status in the transaction that published it, so there is nothing to observe, and no run to lock. Ends
     * it announced are observed all the same: they settle graphs and free concurrency slots.
     */
    private boolean ownStep(IncomingEvent event) {
        if (!event.publishedBy(service)) {
            return false;
        }
        try {
            return !RunStatus.fromEventType(event.type()).isTerminal();
        } catch (IllegalArgumentException unknownType) {
            return false;  // left to observe, which refuses it
        }
    }

    /** Heartbeats of the executors (and external workers) carrying out attempts: the runs' leases. */
    @Incoming("run-heartbeats")
    public Uni<Void> onHeartbeat(Message<String> message) {
        return EventConsumers.handle(message, event -> {
            if (!RunHeartbeat.TYPE.equals(event.type())) {
                throw new MalformedEventException("unsupported run control type " + event.type());
            }
            return scheduler.heartbeat(event.data(RunHeartbeat.class));
        });
    }
}
