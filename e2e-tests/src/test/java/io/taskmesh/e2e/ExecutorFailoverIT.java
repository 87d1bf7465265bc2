package io.taskmesh.e2e;

import static io.taskmesh.e2e.Platform.as;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.http.ContentType;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two executors in one consumer group, runs arriving at a steady rate through the API, and one executor killed
 * with SIGKILL while some of its runs wait on an HTTP call: no accepted run is lost, the dead executor's
 * unfinished requests are carried out by the other once the group notices the death, and the side effects done
 * twice are counted (delivery is at least once). Prints one {@code failover:} line with the figures.
 */
class ExecutorFailoverIT {

    /** Runs started per second through the API (an open loop), for {@link #LOAD_SECONDS}. */
    private static final int RATE = 10;
    private static final int LOAD_SECONDS = 20;
    private static final int KILL_AFTER_SECONDS = 5;
    /** How long the receiver holds each call, so that runs are in flight on both executors. */
    private static final Duration CALL_TIME = Duration.ofMillis(400);
    /** From the kill to the last of the dead executor's runs SUCCEEDED on the other. */
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(10);
    private static final Duration HAND_OVER_BOUND = Duration.ofSeconds(30);
    private static final Duration END_BOUND = Duration.ofSeconds(90);
    private static final int SECOND_PORT = 18092;
    private static final String SECOND = "task-executor-2";
    private static final String EXECUTORS = Platform.GROUP_PREFIX + "task-executor";

    @BeforeAll
    static void startPlatform() throws Exception {
        Platform.start();
    }

    @Test
    void anExecutorKilledUnderLoadLosesNoRunAndTheOtherFinishesItsRunsWithinTenSeconds() throws Exception {
        String task = "failover-" + UUID.randomUUID().toString().substring(0, 8);
        try (CountingReceiver receiver = new CountingReceiver(CALL_TIME); RunFollower follower = new RunFollower();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaProbe.bootstrap()))) {
            Process second = Platform.startInstance("task-executor", SECOND_PORT, SECOND,
                    Map.of("mp.messaging.incoming.run-requests.client.id", SECOND));
            try {
                Awaitility.await("two executors sharing the run requests").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(250)).until(() -> assignment(admin).size() == 2
                                && assignment(admin).values().stream().noneMatch(Set::isEmpty));
                int partitions = assignment(admin).values().stream().mapToInt(Set::size).sum();
                as("alice").contentType(ContentType.JSON).body("""
                        {"name":"%s","objective":"Call the receiver once",
                         "parameters":{"type":"object","properties":{"ref":{"type":"string"}},"required":["ref"]},
                         "steps":[{"id":"effect","action":"http","method":"POST","url":"%s",
                                   "headers":{"X-Run-Ref":"{{inputs.ref}}"},"body":{"ref":"{{inputs.ref}}"}}]}"""
                        .formatted(task, receiver.url()))
                        .post(Platform.api() + "/api/v1/tasks").then().statusCode(201);

                // both executors carry out a few runs first: started, connected, warmed up
                LoadStarter starter = new LoadStarter(task);
                List<CompletableFuture<Void>> warmup = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    warmup.add(starter.start("warm-" + i));
                }
                CompletableFuture.allOf(warmup.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                Awaitility.await("warm-up runs").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                        .until(() -> starter.accepted.values().stream().allMatch(follower.succeededAt::containsKey));
                assertThat(starter.accepted).hasSize(12);

                // the load: RATE runs a second, whatever happens to the ones before
                int total = RATE * LOAD_SECONDS;
                List<CompletableFuture<Void>> answers = new CopyOnWriteArrayList<>();
                ScheduledExecutorService clock = starter.startAtRate(RATE, total, answers);

                // the kill, once calls of the second executor wait at the receiver (at most 5 s later)
                Thread.sleep(KILL_AFTER_SECONDS * 1000L);
                Set<Integer> killed = assignment(admin).get(SECOND);
                assertThat(killed).as("the second executor's partitions").isNotEmpty();
                long latest = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (callsWaitingOn(killed, receiver, starter, follower) < 2 && System.nanoTime() < latest) {
                    Thread.sleep(10);
                }
                second.destroyForcibly();
                assertThat(second.waitFor(10, TimeUnit.SECONDS)).as("killed").isTrue();
                long killedAt = System.currentTimeMillis();
                // the group notices the death and hands all partitions to the executor left
                Awaitility.await("the partitions handed over").atMost(HAND_OVER_BOUND).pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            Map<String, Set<Integer>> now = assignment(admin);
                            return now.size() == 1 && now.values().iterator().next().size() == partitions;
                        });
                long handedOverAt = System.currentTimeMillis();

                Awaitility.await().atMost(Duration.ofSeconds(LOAD_SECONDS + 10)).until(() -> answers.size() == total);
                clock.shutdown();
                CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                Map<String, String> accepted = starter.accepted.entrySet().stream().filter(e -> e.getKey().startsWith("run-"))
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
                long deadline = System.nanoTime() + END_BOUND.toNanos();
                while (System.nanoTime() < deadline && !accepted.values().stream().allMatch(follower::ended)) {
                    Thread.sleep(250);
                }

                // the runs that were on the killed executor: in flight on it, queued for it, or requested on its
                // partitions until they were handed over
                List<String> onKilled = accepted.values().stream()
                        .filter(run -> killed.contains(follower.partition.get(run)))
                        .filter(run -> follower.requestedAt.get(run) < handedOverAt)
                        .filter(run -> follower.succeededAt.getOrDefault(run, Long.MAX_VALUE) > killedAt)
                        .toList();
                long inFlight = onKilled.stream().filter(run -> follower.startedAt.getOrDefault(run, Long.MAX_VALUE) < killedAt).count();
                long completed = accepted.values().stream().filter(follower.succeededAt::containsKey).count();
                List<String> lost = accepted.values().stream()
                        .filter(run -> !follower.succeededAt.containsKey(run) && !follower.failed.containsKey(run)).toList();
                Map<String, String> failed = accepted.values().stream().filter(follower.failed::containsKey)
                        .collect(Collectors.toMap(run -> run, follower.failed::get));
                long recovery = onKilled.stream().mapToLong(run -> follower.succeededAt.getOrDefault(run, Long.MAX_VALUE))
                        .max().orElse(killedAt) - killedAt;
                long resumed = onKilled.stream().mapToLong(run -> follower.succeededAt.getOrDefault(run, Long.MAX_VALUE))
                        .min().orElse(killedAt) - killedAt;
                Map<String, Integer> repeated = receiver.calls.entrySet().stream().filter(e -> e.getValue().get() > 1)
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
                long repeatedLoad = repeated.keySet().stream().filter(ref -> ref.startsWith("run-")).count();
                System.out.printf("failover: sent=%d accepted=%d completed=%d lost=%d failed=%d on-killed=%d in-flight-at-kill=%d"
                        + " repeated=%d calls=%d idempotency-key=%s handed-over=%.1fs resumed=%.1fs recovery=%.1fs%n",
                        total, accepted.size(), completed, lost.size(), failed.size(), onKilled.size(), inFlight,
                        repeatedLoad, receiver.total.get(), receiver.idempotencyKeys.isEmpty() ? "none" : "sent",
                        (handedOverAt - killedAt) / 1000.0, resumed / 1000.0, recovery / 1000.0);

                assertThat(starter.refused).as("runs refused").isEmpty();
                assertThat(accepted).as("runs accepted with 202").hasSize(total);
                assertThat(failed).as("runs that ended otherwise than SUCCEEDED").isEmpty();
                assertThat(lost).as("runs without SUCCEEDED within " + END_BOUND + " after the load").isEmpty();
                assertThat(inFlight).as("runs in flight on the killed executor").isPositive();
                assertThat(Duration.ofMillis(recovery)).as("from the kill to the last of its runs SUCCEEDED")
                        .isLessThanOrEqualTo(RECOVERY_BOUND);
                // a side effect is done again only where an executor died before its outcome was acknowledged
                for (String ref : repeated.keySet()) {
                    String run = starter.accepted.get(ref);
                    assertThat(killed).as("partition of the request of %s, whose call was repeated", ref)
                            .contains(follower.partition.get(run));
                }
                // the API's read model agrees: every run of the task SUCCEEDED, none in any other state
                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                        assertThat(as("alice").get(Platform.api() + "/api/v1/tasks/" + task + "/runs/stats")
                                .then().statusCode(200).extract().jsonPath().getMap("byStatus"))
                                .isEqualTo(Map.of("SUCCEEDED", total + 12)));
            } finally {
                second.destroyForcibly();
            }
        }
    }

    /** The run-request partitions of each executor in the group, by client id (the first one's is its default). */
    private static Map<String, Set<Integer>> assignment(Admin admin) throws Exception {
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(EXECUTORS)).describedGroups()
                .get(EXECUTORS).get();
        Map<String, Set<Integer>> partitions = new ConcurrentHashMap<>();
        for (MemberDescription member : group.members()) {
            String name = member.clientId().startsWith(SECOND) ? SECOND : member.clientId();
            partitions.put(name, member.assignment().topicPartitions().stream()
                    .filter(p -> p.topic().equals(Topics.RUN_REQUESTS)).map(TopicPartition::partition)
                    .collect(Collectors.toSet()));
        }
        return partitions;
    }

    /** Calls waiting at the receiver now whose run requests are on the given partitions. */
    private static long callsWaitingOn(Set<Integer> partitions, CountingReceiver receiver, LoadStarter starter,
            RunFollower follower) {
        return receiver.waiting.stream().map(starter.accepted::get).filter(run -> run != null)
                .filter(run -> partitions.contains(follower.partition.get(run))).count();
    }
}
