package io.taskmesh.bench;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;

/**
 * The running platform as the benchmark uses it: its API with one user's token, its run events on Kafka,
 * its services' memory. Runs start through the API (HTTP/1.1, a connection per request in flight, on
 * virtual threads) or through Kafka run commands; either way their events tell when they started and ended.
 */
final class Platform implements AutoCloseable {

    final Endpoints endpoints;
    final TaskmeshApi api;
    final String tenant;
    final RunEventWatch events;
    final ServiceMemory memory;
    private final HttpClient http;

    Platform(Endpoints endpoints, Options options) {
        this.endpoints = endpoints;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        AccessToken token = new AccessToken(http, endpoints.keycloak(), options.user(), options.password());
        this.tenant = token.tenant();
        this.api = new TaskmeshApi(http, endpoints.api(), token);
        api.ensureTask();
        this.events = new RunEventWatch(endpoints.kafka());
        this.memory = new ServiceMemory(endpoints.state());
    }

    /** POST /api/v1/tasks/bench-noop/runs; the run is known by the id of the 202. */
    Load.Starter throughApi(Tracker tracker) {
        return sent -> {
            String id = api.startRun();
            tracker.accepted(sent, System.nanoTime());
            tracker.track(id, sent);
        };
    }

    /** A run command on Kafka, naming its own run id; accepted once Kafka acknowledged it (acks=all). */
    Load.Starter throughKafka(Tracker tracker, RunCommandProducer producer) {
        return sent -> {
            String id = UUID.randomUUID().toString();
            tracker.track(id, sent);
            try {
                producer.startRun(id, error -> {
                    if (error == null) {
                        tracker.accepted(sent, System.nanoTime());
                    } else {
                        tracker.refused(id, sent, error);
                    }
                });
            } catch (RuntimeException e) {
                tracker.refused(id, sent, e);
            }
        };
    }

    @Override
    public void close() throws InterruptedException {
        events.close();
        http.close();
    }
}
