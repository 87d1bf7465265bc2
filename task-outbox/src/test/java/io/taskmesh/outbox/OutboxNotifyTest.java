package io.taskmesh.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.taskmesh.testing.KafkaProbe;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An idle relay starts on an event as its transaction commits (the commit notifies it), not at its next look:
 * here it looks only every {@code taskmesh.outbox.idle-pause} (10 s in the tests).
 */
@QuarkusTest
class OutboxNotifyTest {

    private static final String TOPIC = "taskmesh.outbox-notify-test";

    @Inject
    Outbox outbox;

    @ConfigProperty(name = "taskmesh.outbox.idle-pause")
    Duration idlePause;

    @BeforeAll
    static void createTopic() throws Exception {
        KafkaProbe.createTopic(TOPIC);
    }

    @Test
    void anEventStoredWhileTheRelayIsIdleLeavesMomentsAfterItsCommit() throws Throwable {
        assertThat(idlePause).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
        List<Long> millis = new ArrayList<>();
        try (KafkaProbe probe = KafkaProbe.watch(TOPIC)) {
            // five events a second apart, each once every lane has gone idle: by its pause alone, the relay would
            // take up to 10 s for each
            for (int i = 0; i < 5; i++) {
                Thread.sleep(1000);
                String key = UUID.randomUUID().toString();
                long stored = System.nanoTime();
                VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() ->
                        outbox.add(TOPIC, key, "io.taskmesh.test.changed.v1", key, "{}")));
                probe.await(e -> key.equals(e.key()), Duration.ofSeconds(30));
                millis.add((System.nanoTime() - stored) / 1_000_000);
            }
        }
        assertThat(millis).as("milliseconds from each commit to its event on Kafka").allSatisfy(ms ->
                assertThat(ms).isLessThan(2000));
    }
}
