package io.taskmesh.executor.run;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunHeartbeat;
import io.taskmesh.events.RunRequest;
import io.taskmesh.events.Topics;
import io.taskmesh.platform.messaging.CloudEventMessages;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

/**
 * Tells task-scheduler which attempts this executor is carrying out: a heartbeat for each every
 * {@code taskmesh.executor.heartbeat-interval} (3 s) on {@code taskmesh.run-control}, until it ends here. If this
 * executor dies, they stop, and the scheduler takes the runs again once their lease runs out.
 * <p>
 * The first heartbeat goes out at the next beat, not as the attempt starts: most attempts end sooner, and need
 * no lease. One that dies before it is covered by its request, which is acknowledged only once the outcome is
 * on the broker, so another executor takes it (ADR 0007).
 */
@ApplicationScoped
public class Heartbeats {

    private static final Logger LOG = Logger.getLogger(Heartbeats.class);

    private final MutinyEmitter<String> control;
    private final String worker;
    private final Map<String, RunHeartbeat> beating = new ConcurrentHashMap<>();

    public Heartbeats(@Channel("run-heartbeats") MutinyEmitter<String> control,
            @ConfigProperty(name = "quarkus.application.name") String service) {
        this.control = control;
        this.worker = service + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The attempt runs here from now on: its first heartbeat goes out at the next beat, if it still runs then. */
    void started(RunRequest request) {
        beating.put(request.runId(), new RunHeartbeat(request.tenant(), request.runId(), request.attempt(), worker,
                Instant.now()));
    }

    /** The attempt no longer runs here (it ended, or it was stopped). */
    void ended(String runId) {
        beating.remove(runId);
    }

    @Scheduled(every = "${taskmesh.executor.heartbeat-interval:3s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> beat() {
        Instant now = Instant.now();
        Uni<Void> all = Uni.createFrom().voidItem();
        for (RunHeartbeat running : beating.values()) {
            RunHeartbeat heartbeat = new RunHeartbeat(running.tenant(), running.runId(), running.attempt(), worker, now);
            all = all.chain(() -> send(heartbeat).onFailure().recoverWithUni(failure -> {
                LOG.warnf("heartbeat of run %s not sent: %s", heartbeat.runId(), failure.getMessage());
                return Uni.createFrom().voidItem();
            }));
        }
        return all;
    }

    int beating() {
        return beating.size();
    }

    private Uni<Void> send(RunHeartbeat heartbeat) {
        return control.sendMessage(CloudEventMessages.of(worker, Topics.RUN_CONTROL, heartbeat.runId(),
                UUID.randomUUID().toString(), RunHeartbeat.TYPE, heartbeat.runId(), EventJson.write(heartbeat)));
    }
}
