package io.taskmesh.api.run.live;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.taskmesh.events.RunEvent;
import io.taskmesh.platform.messaging.EventConsumers;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Every run event, as it happens, for live views. Each task-api instance reads the whole topic in a
 * consumer group of its own (from the end), so a client sees every run of its tenant whichever instance
 * it is connected to.
 */
@ApplicationScoped
public class RunFeed {

    private final BroadcastProcessor<RunEvent> events = BroadcastProcessor.create();
    /** The live views open on this instance: with none, an event is acknowledged without being read. */
    private final AtomicInteger watchers = new AtomicInteger();

    @Incoming("run-events-live")
    public Uni<Void> onRunEvent(Message<String> message) {
        if (watchers.get() == 0) {
            return Uni.createFrom().completionStage(message.ack());
        }
        return EventConsumers.handle(message, incoming -> {
            events.onNext(incoming.data(RunEvent.class));
            return Uni.createFrom().voidItem();
        });
    }

    public Multi<RunEvent> events() {
        return events.onSubscription().invoke(watchers::incrementAndGet)
                .onTermination().invoke(watchers::decrementAndGet);
    }
}
