package io.taskmesh.platform.messaging;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.smallrye.reactive.messaging.TracingMetadata;
import java.util.function.Supplier;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * The trace an event belongs to, so that one run is one trace across the services. The Kafka connector
 * continues the trace of a consumed record and puts the trace of what is current into the records it sends;
 * what is sent later, on another thread, says which trace it continues with {@link #continuing}.
 */
public final class EventTrace {

    private EventTrace() {
    }

    /** The consumer span of a consumed record (a child of the span that produced it), or else what is current. */
    public static Context of(Message<?> message) {
        return TracingMetadata.fromMessage(message).map(TracingMetadata::getCurrentContext).orElseGet(Context::current);
    }

    /**
     * The message, sent as part of {@code trace}: its producer span is a child of the trace's span and its
     * {@code traceparent} header names them, whatever is current on the thread that sends it. {@link Context#root()}
     * starts a trace of its own.
     */
    public static <T> Message<T> continuing(Message<T> message, Context trace) {
        return message.addMetadata(TracingMetadata.withCurrent(trace));
    }

    /**
     * Does {@code work} on this thread within {@code trace} (spans it starts are children of it) with the run id and
     * the trace's ids in the MDC of its log lines: for threads of our own, where neither follows by itself.
     */
    public static <T> T within(Context trace, String runId, Supplier<T> work) {
        try (Scope scope = trace.makeCurrent(); LogContext.Entered log = LogContext.of(runId, trace).enter()) {
            return work.get();
        }
    }
}
