package io.taskmesh.e2e;

import static io.taskmesh.e2e.Platform.as;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.http.ContentType;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker and the database crash under load and come back ({@code bin/taskmesh restart kafka|postgres
 * --kill}: SIGKILL, then the same port and data): every run the API accepted still succeeds, none is lost, its
 * side effect happens once, and its webhook arrives. While the database is down the API refuses new runs
 * (they were never accepted). Prints one {@code restarts:} line with the figures.
 */
class InfraRestartIT {

    private static final int RATE = LoadStarter.faultRate();
    /** Load before the measured part, at its rate: the services and the second instances are warm when it begins. */
    private static final Duration WARM_UP = Duration.ofSeconds(10);
    private static final int LOAD_SECONDS = 40;
    private static final Duration END_BOUND = Duration.ofSeconds(150);
    private static final Duration DELIVERY_BOUND = Duration.ofSeconds(120);
    /** taskmesh.delivery.per-endpoint-concurrency: the sends the notification-service has in flight to one endpoint. */
    private static final int PER_ENDPOINT_CONCURRENCY = 4;

    @BeforeAll
    static void startPlatform() throws Exception {
        Platform.start();
    }

    /** Runs {@code bin/taskmesh restart <what> --kill}; answers how long the component was gone, in seconds. */
    private static double restart(String what) throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("taskmesh.root", "..")).toAbsolutePath().normalize();
        long began = System.nanoTime();
        Process process = new ProcessBuilder(root.resolve("bin/taskmesh").toString(), "restart", what, "--kill")
                .directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(root.resolve("e2e-tests/target/restart-" + what + ".log").toFile()).start();
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("bin/taskmesh restart " + what + " ended").isTrue();
        assertThat(process.exitValue()).as("bin/taskmesh restart " + what + " (see e2e-tests/target/restart-" + what + ".log)")
                .isZero();
        return (System.nanoTime() - began) / 1e9;
    }

    @Test
    void theBrokerAndTheDatabaseCrashAndComeBackUnderLoadAndNoAcceptedRunIsLost() throws Exception {
        String task = "restarts-" + UUID.randomUUID().toString().substring(0, 8);
        try (CountingReceiver effects = new CountingReceiver(Duration.ofMillis(20)); WebhookReceiver hooks = new WebhookReceiver();
                RunFollower follower = new RunFollower()) {
            as("alice").contentType(ContentType.JSON)
                    .body("{\"task\":\"%s\",\"events\":[\"SUCCEEDED\"],\"url\":\"%s\"}".formatted(task, hooks.url()))
                    .post(Platform.notifications() + "/api/v1/subscriptions").then().statusCode(201);
            as("alice").contentType(ContentType.JSON).body("""
                    {"name":"%s","objective":"Call the receiver once",
                     "parameters":{"type":"object","properties":{"ref":{"type":"string"}},"required":["ref"]},
                     "steps":[{"id":"effect","action":"http","method":"POST","url":"%s",
                               "headers":{"X-Run-Ref":"{{inputs.ref}}"},"body":{"ref":"{{inputs.ref}}"}}]}"""
                    .formatted(task, effects.url()))
                    .post(Platform.api() + "/api/v1/tasks").then().statusCode(201);
            LoadStarter starter = new LoadStarter(task);
            starter.warmUp(RATE, WARM_UP);

            int total = RATE * LOAD_SECONDS;
            List<CompletableFuture<Void>> answers = new CopyOnWriteArrayList<>();
            ScheduledExecutorService clock = starter.startAtRate(RATE, total, answers);

            Map<String, Double> downtime = new LinkedHashMap<>();
            Thread.sleep(Duration.ofSeconds(6));
            downtime.put("kafka", restart("kafka"));
            Thread.sleep(Duration.ofSeconds(6));
            downtime.put("postgres", restart("postgres"));

            Awaitility.await().atMost(Duration.ofSeconds(LOAD_SECONDS + 60)).until(() -> answers.size() == total);
            clock.shutdown();
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            long loadEnd = System.currentTimeMillis();
            Map<String, String> accepted = Map.copyOf(starter.accepted);
            long deadline = System.nanoTime() + END_BOUND.toNanos();
            while (System.nanoTime() < deadline && !accepted.values().stream().allMatch(follower::ended)) {
                Thread.sleep(250);
            }
            long lastEnd = accepted.values().stream().mapToLong(run -> follower.succeededAt.getOrDefault(run, 0L)).max().orElse(0);
            Map<String, Integer> webhooks = new ConcurrentHashMap<>();
            long deliveryDeadline = System.nanoTime() + DELIVERY_BOUND.toNanos();
            do {
                webhooks.clear();
                hooks.received.forEach(r -> webhooks.merge(r.runId(), 1, Integer::sum));
                if (accepted.values().stream().allMatch(webhooks::containsKey)) {
                    break;
                }
                Thread.sleep(250);
            } while (System.nanoTime() < deliveryDeadline);

            List<String> lost = accepted.values().stream().filter(run -> !follower.ended(run)).toList();
            Map<String, String> failed = accepted.values().stream().filter(follower.failed::containsKey)
                    .collect(Collectors.toMap(run -> run, follower.failed::get));
            List<String> repeated = effects.calls.entrySet().stream().filter(e -> e.getValue().get() > 1).map(Map.Entry::getKey).toList();
            List<String> missingCalls = accepted.keySet().stream().filter(ref -> !effects.calls.containsKey(ref)).toList();
            List<String> undelivered = accepted.values().stream().filter(run -> !webhooks.containsKey(run)).toList();
            long duplicated = webhooks.values().stream().filter(n -> n > 1).count();
            System.out.printf("restarts: rate=%d/s sent=%d accepted=%d accept-p50/p99/max=%s retried=%d refused=%d %s succeeded=%d lost=%d failed=%d side-effects=%d repeated=%d"
                    + " webhooks=%d undelivered=%d duplicated=%d restart-seconds=%s last-run-end-after-load=%.1fs%n",
                    RATE, starter.sent(), accepted.size(), starter.answerTimes(), starter.retried.get(), starter.refused.size(), starter.refusedBy(),
                    accepted.values().stream().filter(follower.succeededAt::containsKey).count(), lost.size(), failed.size(),
                    effects.total.get(), repeated.size(), hooks.received.size(), undelivered.size(), duplicated, downtime,
                    Math.max(0, lastEnd - loadEnd) / 1000.0);

            assertThat(lost).as("accepted runs without a final status within " + END_BOUND).isEmpty();
            assertThat(failed).as("runs that ended otherwise than SUCCEEDED").isEmpty();
            assertThat(missingCalls).as("accepted runs whose side effect never happened").isEmpty();
            assertThat(repeated).as("side effects done twice").isEmpty();
            assertThat(undelivered).as("succeeded runs whose webhook never arrived").isEmpty();
            // a webhook comes again only when its outcome could not be recorded (the database went down while it
            // was in flight): at most as many as were in flight to the endpoint, under one webhook-id
            hooks.byRun().forEach((run, copies) -> assertThat(
                    copies.stream().map(WebhookReceiver.Received::webhookId).distinct().toList())
                    .as("webhook ids of the run %s", run).hasSize(1).doesNotContainNull());
            assertThat(duplicated).as("webhooks sent again (in flight when the database went down)")
                    .isLessThanOrEqualTo(PER_ENDPOINT_CONCURRENCY);
        }
    }
}
