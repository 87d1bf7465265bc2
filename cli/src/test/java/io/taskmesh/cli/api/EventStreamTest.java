package io.taskmesh.cli.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventStreamTest {

    @Test
    void eventsAreParsedAsTheSseSpecificationSays() throws IOException {
        String stream = """
                : keep-alive

                id: r1:3
                event: io.taskmesh.run.started.v1
                data: {"status":
                data: "RUNNING"}

                data:plain
                retry: 1000

                """;
        List<EventStream.Event> events = new ArrayList<>();
        EventStream.parse(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), events::add);
        assertThat(events).containsExactly(
                new EventStream.Event("io.taskmesh.run.started.v1", "r1:3", "{\"status\":\n\"RUNNING\"}"),
                new EventStream.Event("message", "r1:3", "plain"));
    }
}
