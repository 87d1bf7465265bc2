package io.taskmesh.e2e;

import static io.taskmesh.e2e.Platform.as;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.http.ContentType;
import io.taskmesh.testing.KafkaProbe;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two instances of task-api, task-scheduler and notification-service, runs arriving at a steady rate through
 * both APIs, each run calling a counting HTTP receiver once and notifying a webhook when it succeeds; then a
 * scheduler, an API and a notification-service are killed with SIGKILL, one after the other, while the load
 * goes on. Every accepted run still succeeds, none is lost, no side effect happens twice, and every run's
 * webhook arrives, under one webhook-id (sent again only if it was in flight on the killed notification-service,
 * signed before the kill).
 * Prints one {@code faults:} line with the figures.
 */
class ServiceFailoverIT {

    private static final int RATE = LoadStarter.faultRate();
    /** Load before the measured part, at its rate: the services and the second instances are warm when it begins. */
    private static final Duration WARM_UP = Duration.ofSeconds(10);
    private static final int LOAD_SECONDS = 36;
    private static final Duration END_BOUND = Duration.ofSeconds(120);
    private static final Duration DELIVERY_BOUND = Duration.ofSeconds(90);
    private static final String API_2 = "http://127.0.0.1:18090";
    /** taskmesh.delivery.per-endpoint-concurrency: the sends one notification-service has in flight to one endpoint. */
    private static final int PER_ENDPOINT_CONCURRENCY = 4;

    @BeforeAll
    static void startPlatform() throws Exception {
        Platform.start();
    }

    private static int members(Admin admin, String service) throws Exception {
        String group = Platform.GROUP_PREFIX + service;
        return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get().members().size();
    }

    @Test
    void killingASchedulerAnApiAndANotificationServiceUnderLoadLosesNoRunAndNoWebhook() throws Exception {
        String task = "faults-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Process> seconds = new LinkedHashMap<>();
        try (CountingReceiver effects = new CountingReceiver(Duration.ofMillis(20)); WebhookReceiver hooks = new WebhookReceiver();
                RunFollower follower = new RunFollower();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaProbe.bootstrap()))) {
            int schedulers = members(admin, "task-scheduler");
            int notifiers = members(admin, "notification-service");
            seconds.put("task-scheduler", Platform.startInstance("task-scheduler", 18091, "task-scheduler-2", Map.of()));
            seconds.put("task-api", Platform.startInstance("task-api", 18090, "task-api-2", Map.of()));
            seconds.put("notification-service", Platform.startInstance("notification-service", 18093, "notification-service-2", Map.of()));
            Awaitility.await("second instances in their consumer groups").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250)).until(() -> members(admin, "task-scheduler") == 2 * schedulers
                            && members(admin, "notification-service") == 2 * notifiers);

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

            List<String> apis = new CopyOnWriteArrayList<>(List.of(Platform.api(), API_2));
            LoadStarter starter = new LoadStarter(task, apis);
            starter.warmUp(RATE, WARM_UP);
            assertThat(starter.refused).as("warm-up runs refused by the APIs").isEmpty();

            int total = RATE * LOAD_SECONDS;
            List<CompletableFuture<Void>> answers = new CopyOnWriteArrayList<>();
            ScheduledExecutorService clock = starter.startAtRate(RATE, total, answers);

            // one kill every 10 s, while runs go on arriving
            Map<String, Long> killedAt = new LinkedHashMap<>();
            for (String service : List.of("task-scheduler", "task-api", "notification-service")) {
                Thread.sleep(Duration.ofSeconds(service.equals("task-scheduler") ? 6 : 10));
                if (service.equals("task-api")) {
                    apis.remove(API_2); // a client (or a load balancer) stops sending to an instance that died
                }
                Process process = seconds.get(service);
                process.destroyForcibly();
                assertThat(process.waitFor(10, TimeUnit.SECONDS)).as(service + " killed").isTrue();
                killedAt.put(service, System.currentTimeMillis());
            }

            Awaitility.await().atMost(Duration.ofSeconds(LOAD_SECONDS + 10)).until(() -> answers.size() == total);
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
            System.out.printf("faults: rate=%d/s sent=%d accepted=%d accept-p50/p99/max=%s retried=%d refused=%d %s succeeded=%d lost=%d failed=%d side-effects=%d repeated=%d"
                    + " webhooks=%d undelivered=%d duplicated=%d killed=%s last-run-end-after-load=%.1fs%n",
                    RATE, starter.sent(), accepted.size(), starter.answerTimes(), starter.retried.get(), starter.refused.size(), starter.refusedBy(), accepted.values().stream().filter(follower.succeededAt::containsKey).count(),
                    lost.size(), failed.size(), effects.total.get(), repeated.size(), hooks.received.size(), undelivered.size(),
                    duplicated, killedAt.keySet(), Math.max(0, lastEnd - loadEnd) / 1000.0);

            // a request the killed API held went again to the other, with its key: every run asked for is there once
            assertThat(starter.refused).as("runs refused, their request sent again up to three times").isEmpty();
            assertThat(accepted.size()).as("runs accepted, of those sent (warm-up included)").isEqualTo(starter.sent());
            assertThat(lost).as("accepted runs without a final status within " + END_BOUND).isEmpty();
            assertThat(failed).as("runs that ended otherwise than SUCCEEDED").isEmpty();
            assertThat(missingCalls).as("accepted runs whose side effect never happened").isEmpty();
            assertThat(repeated).as("side effects done twice (no executor died)").isEmpty();
            assertThat(undelivered).as("succeeded runs whose webhook never arrived").isEmpty();
            // at least once: a webhook comes again only when the instance that sent it died before recording the
            // answer: sent before that kill, at most as many as it had in flight to the endpoint, and with the same
            // webhook-id, so a receiver that keeps the ids it has seen (as Standard Webhooks asks) acts once
            long notifierKilled = killedAt.get("notification-service");
            hooks.byRun().forEach((run, copies) -> {
                assertThat(copies.stream().map(WebhookReceiver.Received::webhookId).distinct().toList())
                        .as("webhook ids of the run %s", run).hasSize(1).doesNotContainNull();
                if (copies.size() > 1) {
                    // signed before the kill, whenever the receiver got to it (webhook-timestamp is to the second)
                    assertThat(copies.stream().mapToLong(WebhookReceiver.Received::signedAt).min().orElseThrow())
                            .as("first copy of the webhook of %s, sent again", run).isLessThanOrEqualTo(notifierKilled);
                }
            });
            assertThat(duplicated).as("webhooks sent again (in flight on the killed notification-service)")
                    .isLessThanOrEqualTo(PER_ENDPOINT_CONCURRENCY);
        } finally {
            seconds.values().forEach(Process::destroyForcibly);
        }
    }
}
