package io.taskmesh.platform.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.smallrye.reactive.messaging.TracingMetadata;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.Test;

class EventTraceTest {

    private static final SpanContext CONSUMER = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
            TraceFlags.getSampled(), TraceState.getDefault());
    private final Context trace = Context.root().with(Span.wrap(CONSUMER));

    @Test
    void theTraceOfAConsumedRecordIsItsConsumerSpan() {
        Message<String> consumed = Message.of("{}", Metadata.of(TracingMetadata.with(trace, Context.root())));
        assertThat(Span.fromContext(EventTrace.of(consumed)).getSpanContext()).isEqualTo(CONSUMER);
    }

    @Test
    void aMessageSentLaterContinuesTheTraceItIsGivenWhateverIsCurrent() {
        Message<String> sent = EventTrace.continuing(Message.of("{}"), trace);
        assertThat(TracingMetadata.fromMessage(sent)).get().extracting(TracingMetadata::getCurrentContext).isSameAs(trace);
    }

    @Test
    void workOnAThreadOfItsOwnRunsInTheTraceWithTheRunInTheLogContext() throws Exception {
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            String[] seen = threads.submit(() -> EventTrace.within(trace, "run-9", () -> new String[] {
                    Span.current().getSpanContext().getSpanId(), (String) MDC.get("runId"), (String) MDC.get("traceId") }))
                    .get();
            assertThat(seen).containsExactly("b7ad6b7169203331", "run-9", "0af7651916cd43dd8448eb211c80319c");
            String[] after = threads.submit(() -> {
                EventTrace.within(trace, "run-9", () -> null);
                return new String[] { Span.current().getSpanContext().getSpanId(), (String) MDC.get("runId") };
            }).get();
            assertThat(after).containsExactly("0000000000000000", null);
        }
    }
}
