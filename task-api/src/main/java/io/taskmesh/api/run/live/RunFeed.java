package io.taskmesh.api.run.live;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.taskmesh.events.RunEvent;
import io.taskmesh.platform.messaging.EventConsumers;
import jakarta.enterprise.context.ApplicationScoped;
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

    @Incoming("run-events-live")
    public Uni<Void> onRunEvent(Message<String> message) {
        return EventConsumers.handle(message, incoming -> {
            events.onNext(incoming.data(RunEvent.class));
            return Uni.createFrom().voidItem();
        });
    }

    public Multi<RunEvent> events() {
        return events;
    }
}
