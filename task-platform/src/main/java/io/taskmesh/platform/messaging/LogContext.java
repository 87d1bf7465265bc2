package io.taskmesh.platform.messaging;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.MDC;

/**
 * What ties a log line to a run and its trace: {@code runId}, {@code traceId} and {@code spanId} in the MDC (under
 * {@code mdc} in the JSON log). Quarkus keeps the trace and span ids itself on a Vert.x duplicated context, the one
 * each consumed record and each HTTP request gets, whose MDC follows the work wherever it continues; on any other
 * thread all three are put here, for as long as the work runs on it.
 */
public final class LogContext {

    public static final String RUN_ID = "runId";
    public static final String TRACE_ID = "traceId";
    public static final String SPAN_ID = "spanId";

    private final String runId;
    private final SpanContext span;
    private volatile io.vertx.core.Context holder;

    private LogContext(String runId, SpanContext span) {
        this.runId = runId;
        this.span = span;
    }

    /** @param runId null when the work is about no run */
    public static LogContext of(String runId, Context trace) {
        return new LogContext(runId, Span.fromContext(trace).getSpanContext());
    }

    /** Closes without exceptions. */
    public interface Entered extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Puts the ids in the MDC. On a duplicated context the run id stays for all that continues there until
     * {@link #leave()}; on any other thread the ids stay until the returned handle closes, which puts back what was
     * there before (a pooled thread goes on to other work).
     */
    public Entered enter() {
        io.vertx.core.Context vertx = Vertx.currentContext();
        if (vertx != null && VertxContext.isDuplicatedContext(vertx)) {
            if (runId != null) {
                MDC.put(RUN_ID, runId);
                holder = vertx;
            }
            return () -> {
            };
        }
        Map<String, Object> before = new LinkedHashMap<>();
        for (String key : new String[] { RUN_ID, TRACE_ID, SPAN_ID }) {
            before.put(key, MDC.get(key));
        }
        set(RUN_ID, runId);
        set(TRACE_ID, span.isValid() ? span.getTraceId() : null);
        set(SPAN_ID, span.isValid() ? span.getSpanId() : null);
        return () -> before.forEach(LogContext::set);
    }

    /** Takes the run id off the duplicated context it was put on, when called there (the context ends with its work anyway). */
    public void leave() {
        io.vertx.core.Context vertx = holder;
        if (vertx != null && Vertx.currentContext() == vertx) {
            MDC.remove(RUN_ID);
        }
    }

    private static void set(String key, Object value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
