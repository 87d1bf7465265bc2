package io.taskmesh.scheduler.run.events;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.taskmesh.events.MalformedEventException;
import io.taskmesh.events.RunCommand;
import io.taskmesh.events.RunCreateCommand;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunHeartbeat;
import io.taskmesh.events.RunStatus;
import io.taskmesh.platform.messaging.EventBatcher;
import io.taskmesh.platform.messaging.IncomingEvent;
import io.taskmesh.scheduler.run.service.RunScheduler;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * The scheduler's inputs: run commands (what to run), run events (how runs are going) and heartbeats. Each
 * consumer takes what arrived while it was busy as one batch, in one transaction ({@link EventBatcher}).
 */
@ApplicationScoped
public class RunCommandsConsumer {

    private final RunScheduler scheduler;
    private final String service;
    private final EventBatcher<IncomingEvent> commands;
    private final EventBatcher<RunEvent> events;
    private final EventBatcher<RunHeartbeat> heartbeats;

    public RunCommandsConsumer(RunScheduler scheduler, @ConfigProperty(name = "quarkus.application.name") String service,
            @ConfigProperty(name = "taskmesh.run-events.max-batch", defaultValue = "100") int maxBatch) {
        this.scheduler = scheduler;
        this.service = service;
        // a command's data is read as its type says, in the transaction
        this.commands = batcher(Function.identity(), this::command, maxBatch, false);
        // the scheduler's own steps short of an end are not even read
        this.events = batcher(event -> ownStep(event) ? null : event.data(RunEvent.class),
                event -> event == null ? Uni.createFrom().voidItem() : scheduler.observe(event), maxBatch, true);
        this.heartbeats = batcher(event -> {
            if (!RunHeartbeat.TYPE.equals(event.type())) {
                throw new MalformedEventException("unsupported run control type " + event.type());
            }
            return event.data(RunHeartbeat.class);
        }, scheduler::heartbeat, maxBatch, true);
    }

    /**
     * The events of a batch one after the other, in one transaction; one event alone, in its own. Commands are taken
     * in the order they came (the first asked for is the first to take a free concurrency slot); run events and
     * heartbeats run by run in the order of their ids, since each locks its run: those two consumers, and the
     * replicas, then lock runs in one order and never wait on each other in a circle.
     */
    private static <T> EventBatcher<T> batcher(Function<IncomingEvent, T> parse, Function<T, Uni<Void>> each, int maxBatch,
            boolean byRun) {
        return new EventBatcher<>(parse,
                batch -> Panache.withTransaction(() -> byRun ? EventBatcher.eachByRun(batch, item -> each.apply(item.data()))
                        : EventBatcher.eachInOrder(batch, item -> each.apply(item.data()))),
                item -> Panache.withTransaction(() -> each.apply(item.data())), maxBatch);
    }

    @Incoming("run-commands")
    public Uni<Void> onCommand(Message<String> message) {
        return commands.accept(message);
    }

    private Uni<Void> command(IncomingEvent event) {
        return switch (event.type()) {
            case RunCreateCommand.TYPE -> scheduler.accept(event.data(RunCreateCommand.class), event.id());
            case RunCommand.CANCEL, RunCommand.VALIDATE, RunCommand.FEEDBACK, RunCommand.ANSWER ->
                    scheduler.decide(event.type(), event.data(RunCommand.class));
            default -> throw new MalformedEventException("unsupported run command type " + event.type());
        };
    }

    @Incoming("run-events")
    public Uni<Void> onRunEvent(Message<String> message) {
        return events.accept(message);
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
        return heartbeats.accept(message);
    }
}
