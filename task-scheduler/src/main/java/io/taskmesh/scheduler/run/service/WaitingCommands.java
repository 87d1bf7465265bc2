package io.taskmesh.scheduler.run.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunCreateCommand;
import io.taskmesh.events.Topics;
import io.taskmesh.outbox.Outbox;
import io.taskmesh.scheduler.run.WaitingCommand;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.LockMode;
import org.jboss.logging.Logger;

/**
 * Run commands from Kafka that name a task the scheduler has not heard of. The task may have been defined a
 * moment ago, its definition still on its way on the task-definitions topic: the command waits (stored, so that
 * no restart loses it) up to {@code taskmesh.run-commands.definition-wait} for it, and the consumer goes on with
 * the next record meanwhile. A command whose task does not come goes to {@code taskmesh.run-commands.dlq} through
 * the outbox, with a {@code dead-letter-reason} header as the consumers' dead letters have, and is counted in
 * {@code taskmesh_run_commands_given_up_total}. Claimed with {@code SKIP LOCKED}: replicas settle each once.
 */
@ApplicationScoped
public class WaitingCommands {

    private static final Logger LOG = Logger.getLogger(WaitingCommands.class);
    private static final int CLAIM_BATCH = 500;

    private final Outbox outbox;
    private final Duration wait;
    private final Counter givenUp;

    public WaitingCommands(Outbox outbox, MeterRegistry registry,
            @ConfigProperty(name = "taskmesh.run-commands.definition-wait", defaultValue = "PT10S") Duration wait) {
        this.outbox = outbox;
        this.wait = wait;
        this.givenUp = Counter.builder("taskmesh.run.commands.given.up")
                .description("Run commands sent to the dead-letter topic after waiting for their task's definition")
                .register(registry);
    }

    public Duration waitFor() {
        return wait;
    }

    /** Keeps a command (its data, as read) until its task's definition comes; the same command sent again waits once. */
    public Uni<Void> park(RunCreateCommand command, String eventId, UUID runId) {
        return Panache.getSession().chain(session -> session.find(WaitingCommand.class, runId).chain(found -> {
            if (found != null) {
                return Uni.createFrom().voidItem();
            }
            WaitingCommand waiting = new WaitingCommand();
            waiting.runId = runId;
            waiting.tenant = command.tenant();
            waiting.task = command.task();
            waiting.eventId = eventId;
            waiting.command = EventJson.write(command);
            waiting.receivedAt = Instant.now();
            waiting.giveUpAt = waiting.receivedAt.plus(wait);
            LOG.infof("run command %s names task '%s' of tenant '%s', not known here yet: it waits up to %s for the "
                    + "task's definition", eventId, command.task(), command.tenant(), wait);
            return session.persist(waiting);
        }));
    }

    /** The commands waiting for this task, taken (removed at the commit). */
    public Uni<List<WaitingCommand>> takeFor(String tenant, String task) {
        return take("from WaitingCommand where tenant = ?1 and task = ?2 order by receivedAt", tenant, task);
    }

    /** The commands whose task is known by now (a definition that came alongside) or whose wait is over, taken. */
    public Uni<List<WaitingCommand>> takeSettled(Instant now) {
        return take("from WaitingCommand w where w.giveUpAt <= ?1 or exists (select 1 from KnownTask k "
                + "where k.tenant = w.tenant and k.name = w.task) order by w.receivedAt", now);
    }

    private Uni<List<WaitingCommand>> take(String query, Object... params) {
        return Panache.getSession().chain(session -> {
            var select = session.createSelectionQuery(query, WaitingCommand.class);
            for (int i = 0; i < params.length; i++) {
                select.setParameter(i + 1, params[i]);
            }
            return select.setMaxResults(CLAIM_BATCH).setLockMode(LockMode.UPGRADE_SKIPLOCKED).getResultList()
                    .call(taken -> taken.isEmpty() ? Uni.createFrom().voidItem()
                            : session.removeAll(taken.toArray()));
        });
    }

    /** Counts commands set aside on the dead-letter topic, once the transaction that did so committed. */
    public void givenUp(int commands) {
        givenUp.increment(commands);
    }

    /** Sets the command aside on the run commands' dead-letter topic, with its data, saying why. */
    public Uni<Void> deadLetter(WaitingCommand command, String reason) {
        LOG.warnf("run command %s given up, to the dead-letter topic: %s", command.eventId, reason);
        return outbox.add(Topics.deadLetter(Topics.RUN_COMMANDS), command.task, RunCreateCommand.TYPE, null,
                command.command, Map.of("dead-letter-reason", reason, "dead-letter-topic", Topics.RUN_COMMANDS))
                .replaceWithVoid();
    }
}
