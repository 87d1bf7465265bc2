package io.taskmesh.outbox;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The trace of the transaction that stored an event, kept beside it as W3C {@code traceparent} and
 * {@code tracestate}: the relay sends the event later, from a timer of its own, and continues that trace with it.
 */
record OutboxTrace(String traceParent, String traceState) {

    private static final String TRACEPARENT = "traceparent";
    private static final String TRACESTATE = "tracestate";
    private static final OutboxTrace NONE = new OutboxTrace(null, null);

    /** The trace of what is current, or none when nothing is traced. */
    static OutboxTrace of(Context context) {
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return NONE;
        }
        Map<String, String> headers = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(context, headers, Map::put);
        return new OutboxTrace(headers.get(TRACEPARENT), headers.get(TRACESTATE));
    }

    /** The trace to continue, as a remote parent; the root context (a trace of its own) when none was kept. */
    Context context() {
        if (traceParent == null) {
            return Context.root();
        }
        Map<String, String> headers = new HashMap<>();
        headers.put(TRACEPARENT, traceParent);
        if (traceState != null) {
            headers.put(TRACESTATE, traceState);
        }
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, Headers.INSTANCE);
    }

    private enum Headers implements TextMapGetter<Map<String, String>> {
        INSTANCE;

        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return List.copyOf(carrier.keySet());
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    }
}
