package io.taskmesh.platform.messaging;

import io.smallrye.mutiny.Uni;
import io.taskmesh.events.MalformedEventException;
import java.time.Duration;
import java.util.function.Function;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * How every consumer treats a record: a malformed one is nacked at once (the channel's failure strategy
 * sends it to {@code <topic>.dlq} and the consumer goes on); a failure that may pass (database restart,
 * broker hiccup) is retried with backoff before it is given up on. While an event of a run is handled, the run id is
 * in the MDC of every log line ({@link LogContext}).
 */
public final class EventConsumers {

    private static final Logger LOG = Logger.getLogger(EventConsumers.class);

    /**
     * How long a record is retried before it goes to the dead-letter topic: well under the minute after which
     * the Kafka connector gives up on a record it has not seen acknowledged and stops the whole channel.
     */
    static final Duration RETRY_FOR = Duration.ofSeconds(30);

    private EventConsumers() {
    }

    public static Uni<Void> handle(Message<?> message, Function<IncomingEvent, Uni<Void>> handler) {
        return handle(message, handler, RETRY_FOR);
    }

    static Uni<Void> handle(Message<?> message, Function<IncomingEvent, Uni<Void>> handler, Duration retryFor) {
        return Uni.createFrom().deferred(() -> {
                    IncomingEvent event;
                    try {
                        event = IncomingEvent.of(message);
                    } catch (RuntimeException malformed) {
                        return reject(message, malformed, null);
                    }
                    // every log line written while it is handled names its run and its trace
                    LogContext log = LogContext.of(event.runId(), EventTrace.of(message));
                    // each retry calls the handler again: it reads afresh what may have changed meanwhile
                    return Uni.createFrom().deferred(() -> {
                                try (LogContext.Entered entered = log.enter()) {
                                    return handler.apply(event);
                                }
                            })
                            .onFailure(t -> !(t instanceof MalformedEventException))
                            .retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).expireIn(retryFor.toMillis())
                            .onItem().transformToUni(ignored -> Uni.createFrom().completionStage(message.ack()))
                            .onFailure().recoverWithUni(failure -> reject(message, failure, log))
                            .onTermination().invoke(log::leave);
                });
    }

    static Uni<Void> reject(Message<?> message, Throwable failure, LogContext log) {
        try (LogContext.Entered entered = log == null ? () -> { } : log.enter()) {
            Throwable cause = failure;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            // after retries, the message says they ran out: what failed is the last cause
            LOG.warnf("event rejected to the dead-letter topic: %s%s", failure.getMessage(),
                    cause == failure ? "" : " (last failure: " + cause + ")");
        }
        return Uni.createFrom().completionStage(message.nack(failure));
    }
}
