package io.taskmesh.scheduler.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunCommand;
import io.taskmesh.events.RunCreateCommand;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunRequest;
import io.taskmesh.events.RunStatus;
import io.taskmesh.events.TaskDefinitionChanged;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Run graphs driven through Kafka as task-api and the executors drive them, against the scheduler's database. */
@QuarkusTest
class RunGraphTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Pool pool;

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    private String name(String base) {
        return base + "-" + suffix;
    }

    /** A task as task-api announces it; returns its definition. */
    private String define(String name, String definition) throws InterruptedException {
        String taskId = UUID.randomUUID().toString();
        KafkaProbe.publishCloudEvent(Topics.TASK_DEFINITIONS, taskId, UUID.randomUUID().toString(),
                TaskDefinitionChanged.TYPE, name, EventJson.write(new TaskDefinitionChanged("acme", taskId, name, 1,
                        "active", EventJson.readTree(definition), Instant.now())));
        long until = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < until) {
            var rows = pool.preparedQuery("SELECT 1 FROM task_scheduler.task_definition WHERE task_id = $1")
                    .execute(Tuple.of(UUID.fromString(taskId))).await().atMost(Duration.ofSeconds(5));
            if (rows.size() > 0) {
                return definition;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("task " + name + " was not stored");
    }

    private static String start(String task, String definition, String inputs) {
        String runId = UUID.randomUUID().toString();
        KafkaProbe.publishCloudEvent(Topics.RUN_COMMANDS, runId, UUID.randomUUID().toString(), RunCreateCommand.TYPE, runId,
                EventJson.write(new RunCreateCommand("acme", task, runId, 1, EventJson.readTree(definition),
                        EventJson.readTree(inputs), null, "alice")));
        return runId;
    }

    private static void cancel(String runId) {
        KafkaProbe.publishCloudEvent(Topics.RUN_COMMANDS, runId, UUID.randomUUID().toString(), RunCommand.CANCEL, runId,
                EventJson.write(new RunCommand("acme", runId, "alice", null, null)));
    }

    /** What an executor does with an attempt: RUNNING, then the outcome. */
    private static void execute(RunRequest request, RunStatus outcome, String result) {
        report(request, RunStatus.RUNNING, request.seq() + 1, null);
        report(request, outcome, request.seq() + 2, result);
    }

    private static void report(RunRequest request, RunStatus status, long seq, String result) {
        RunEvent event = new RunEvent("acme", request.runId(), request.task(), request.version(), status, seq,
                request.attempt(), result == null ? null : EventJson.readTree(result),
                status == RunStatus.FAILED ? new RunEvent.RunError("boom", request.task() + " broke") : null, Instant.now());
        KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, request.runId(), UUID.randomUUID().toString(), event.type(),
                request.runId(), EventJson.write(event));
    }

    private static List<RunEvent> events(KafkaProbe probe) {
        return probe.seen(e -> e.topic().equals(Topics.RUN_EVENTS)).stream()
                .map(e -> EventJson.read(e.value(), RunEvent.class)).toList();
    }

    /** The nodes of the graph of {@code root}, by task name, from their first events. */
    private static Map<String, RunEvent> nodes(KafkaProbe probe, String root, int count) {
        probe.await(e -> e.topic().equals(Topics.RUN_EVENTS) && events(probe).stream()
                .filter(ev -> ev.seq() == 1 && (ev.runId().equals(root) || ("graph:" + root).equals(ev.origin())))
                .count() >= count, WAIT);
        return events(probe).stream()
                .filter(ev -> ev.seq() == 1 && (ev.runId().equals(root) || ("graph:" + root).equals(ev.origin())))
                .collect(Collectors.toMap(RunEvent::task, Function.identity()));
    }

    private static RunRequest request(KafkaProbe probe, String runId) {
        return EventJson.read(probe.await(e -> e.topic().equals(Topics.RUN_REQUESTS) && runId.equals(e.key()), WAIT)
                .value(), RunRequest.class);
    }

    private static RunEvent status(KafkaProbe probe, String runId, RunStatus status) {
        return EventJson.read(probe.await(e -> runId.equals(e.key()) && status.eventType().equals(e.type()), WAIT)
                .value(), RunEvent.class);
    }

    private static List<RunStatus> statuses(KafkaProbe probe, String runId) {
        return events(probe).stream().filter(e -> e.runId().equals(runId)).map(RunEvent::status).toList();
    }

    @Test
    void aDiamondRunsEachNodeOnceAndEachDependentAfterItsDependenciesWithTheirResults() throws Exception {
        String d = name("d");
        String b = name("b");
        String c = name("c");
        String a = name("a");
        define(d, "{\"name\":\"%s\",\"objective\":\"D\",\"steps\":[{\"id\":\"s\",\"action\":\"transform\",\"expression\":\"1\"}]}"
                .formatted(d));
        define(b, "{\"name\":\"%s\",\"objective\":\"B\",\"dependsOn\":[\"%s\"]}".formatted(b, d));
        define(c, "{\"name\":\"%s\",\"objective\":\"C\",\"dependsOn\":[\"%s\"]}".formatted(c, d));
        String root = "{\"name\":\"%s\",\"objective\":\"A\",\"dependsOn\":[\"%s\",\"%s\"]}".formatted(a, b, c);

        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.RUN_REQUESTS)) {
            String rootId = start(a, root, "{\"x\":21}");
            Map<String, RunEvent> nodes = nodes(probe, rootId, 4);
            String dId = nodes.get(d).runId();
            String bId = nodes.get(b).runId();
            String cId = nodes.get(c).runId();
            assertThat(nodes.get(a).runId()).isEqualTo(rootId);
            assertThat(nodes.get(a).dependencyRunIds()).containsExactlyInAnyOrder(bId, cId);
            assertThat(nodes.get(b).dependencyRunIds()).containsExactly(dId);
            assertThat(nodes.get(c).dependencyRunIds()).containsExactly(dId);
            assertThat(nodes.get(d).dependencyRunIds()).isEmpty();
            assertThat(nodes.values()).allSatisfy(n -> {
                assertThat(n.status()).isEqualTo(RunStatus.PENDING);
                assertThat(n.parentRunId()).isNull();
            });
            assertThat(nodes.get(b).inputs().get("x").asInt()).isEqualTo(21);

            // only D, which waits for nothing, is handed out
            RunRequest dRequest = request(probe, dId);
            assertThat(status(probe, dId, RunStatus.READY).seq()).isEqualTo(2);
            assertThat(probe.watchFor(Duration.ofMillis(500))
                    .seen(e -> e.topic().equals(Topics.RUN_REQUESTS) && !dId.equals(e.key()))).isEmpty();
            assertThat(statuses(probe, bId)).containsExactly(RunStatus.PENDING);

            execute(dRequest, RunStatus.SUCCEEDED, "5");
            RunRequest bRequest = request(probe, bId);
            RunRequest cRequest = request(probe, cId);
            assertThat(statuses(probe, bId)).containsExactly(RunStatus.PENDING, RunStatus.READY, RunStatus.QUEUED);
            assertThat(bRequest.definition().path("context").path("dependencies").path(d).asInt()).isEqualTo(5);
            assertThat(cRequest.definition().path("context").path("dependencies").path(d).asInt()).isEqualTo(5);
            assertThat(bRequest.inputs().get("x").asInt()).isEqualTo(21);

            execute(bRequest, RunStatus.SUCCEEDED, "10");
            probe.watchFor(Duration.ofMillis(500));
            assertThat(statuses(probe, rootId)).containsExactly(RunStatus.PENDING);
            execute(cRequest, RunStatus.SUCCEEDED, "15");
            RunRequest aRequest = request(probe, rootId);
            assertThat(aRequest.definition().path("context").path("dependencies").path(b).asInt()).isEqualTo(10);
            assertThat(aRequest.definition().path("context").path("dependencies").path(c).asInt()).isEqualTo(15);
            execute(aRequest, RunStatus.SUCCEEDED, "25");
            status(probe, rootId, RunStatus.SUCCEEDED);

            // a marker run behind them proves nothing else was handed out: each node ran once
            String marker = start(d, "{\"name\":\"%s\",\"objective\":\"D\"}".formatted(d), "{}");
            request(probe, marker);
            for (String id : List.of(rootId, bId, cId, dId)) {
                assertThat(probe.seen(e -> e.topic().equals(Topics.RUN_REQUESTS) && id.equals(e.key()))).hasSize(1);
            }
        }
    }

    @Test
    void aGraphStartedByATriggerExpandsLikeOneStartedThroughTheApi() throws Exception {
        String d = name("d");
        String r = name("r");
        define(d, "{\"name\":\"%s\",\"objective\":\"D\"}".formatted(d));
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.RUN_REQUESTS)) {
            define(r, """
                    {"name":"%s","objective":"R","dependsOn":["%s"],
                     "triggers":[{"type":"once","name":"soon","at":"%s"}]}""".formatted(r, d,
                    Instant.now().plusSeconds(3).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
            RunEvent root = EventJson.read(probe.await(e -> e.topic().equals(Topics.RUN_EVENTS)
                    && EventJson.read(e.value(), RunEvent.class).task().equals(r), WAIT).value(), RunEvent.class);
            assertThat(root.status()).isEqualTo(RunStatus.PENDING);
            assertThat(root.origin()).startsWith("trigger:soon@");
            Map<String, RunEvent> nodes = nodes(probe, root.runId(), 2);
            assertThat(root.dependencyRunIds()).containsExactly(nodes.get(d).runId());
            execute(request(probe, nodes.get(d).runId()), RunStatus.SUCCEEDED, "3");
            assertThat(request(probe, root.runId()).definition().path("context").path("dependencies").path(d).asInt())
                    .isEqualTo(3);
        }
    }

    @Test
    void aFailedNodeMakesItsDependentsSkippedTransitively() throws Exception {
        String d = name("d");
        String b = name("b");
        String a = name("a");
        define(d, "{\"name\":\"%s\",\"objective\":\"D\"}".formatted(d));
        define(b, "{\"name\":\"%s\",\"objective\":\"B\",\"dependsOn\":[\"%s\"]}".formatted(b, d));
        String root = "{\"name\":\"%s\",\"objective\":\"A\",\"dependsOn\":[\"%s\"]}".formatted(a, b);

        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.RUN_REQUESTS)) {
            String rootId = start(a, root, "{}");
            Map<String, RunEvent> nodes = nodes(probe, rootId, 3);
            execute(request(probe, nodes.get(d).runId()), RunStatus.FAILED, null);

            RunEvent bSkipped = status(probe, nodes.get(b).runId(), RunStatus.SKIPPED);
            assertThat(bSkipped.error().code()).isEqualTo("dependency-failed");
            assertThat(bSkipped.error().message()).contains("'" + d + "'").contains("FAILED").contains(d + " broke");
            RunEvent aSkipped = status(probe, rootId, RunStatus.SKIPPED);
            assertThat(aSkipped.error().message()).contains("'" + b + "'").contains("SKIPPED");
            assertThat(statuses(probe, rootId)).containsExactly(RunStatus.PENDING, RunStatus.SKIPPED);

            // a graph naming a task the scheduler has not heard of waits a while for its definition, then fails
            String broken = start(a, "{\"name\":\"%s\",\"objective\":\"A\",\"dependsOn\":[\"%s\"]}".formatted(a, name("ghost")),
                    "{}");
            String late = name("late");
            String waiting = start(a, "{\"name\":\"%s\",\"objective\":\"A\",\"dependsOn\":[\"%s\"]}".formatted(a, late),
                    "{}");
            Thread.sleep(1500);
            define(late, "{\"name\":\"%s\",\"objective\":\"Late\"}".formatted(late));
            request(probe, nodes(probe, waiting, 2).get(late).runId());
            // the root's second event is relayed in its own lane: it may come after the node's request
            probe.await(e -> waiting.equals(e.key()) && e.topic().equals(Topics.RUN_EVENTS)
                    && EventJson.read(e.value(), RunEvent.class).seq() == 2, WAIT);
            assertThat(statuses(probe, waiting)).containsExactly(RunStatus.PENDING, RunStatus.PENDING);
            RunEvent failed = status(probe, broken, RunStatus.FAILED);
            assertThat(Duration.between(nodes(probe, broken, 1).get(a).at(), failed.at())).isGreaterThan(Duration.ofSeconds(9));
            assertThat(failed.error().code()).isEqualTo("graph-invalid");
            assertThat(failed.error().message()).isEqualTo("there is no task named '%s' (named in the dependsOn of '%s')"
                    .formatted(name("ghost"), a));
            assertThat(events(probe)).noneMatch(e -> ("graph:" + broken).equals(e.origin()));
        }
    }

    @Test
    void aParentWithoutStepsSucceedsWithItsSubtasksResultsAndOneWithStepsRunsAfterThemWithTheirResults() throws Exception {
        String p = name("p");
        String q = name("q");
        String gather = "{\"name\":\"%s\",\"objective\":\"Gather\",\"subtasks\":[{\"name\":\"one\",\"objective\":\"1\"},{\"name\":\"two\",\"objective\":\"2\"}]}"
                .formatted(p);
        String summarize = """
                {"name":"%s","objective":"Sum","subtasks":[{"name":"one","objective":"1"}],
                 "steps":[{"id":"sum","action":"transform","expression":"context.subtasks.one + 1"}]}""".formatted(q);

        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.RUN_REQUESTS)) {
            String pId = start(p, gather, "{}");
            Map<String, RunEvent> nodes = nodes(probe, pId, 3);
            assertThat(nodes.get("one").parentRunId()).isEqualTo(pId);
            assertThat(nodes.get("one").definedIn()).isEqualTo(p);
            assertThat(nodes.get("one").version()).isEqualTo(1);
            execute(request(probe, nodes.get("one").runId()), RunStatus.SUCCEEDED, "\"first\"");
            execute(request(probe, nodes.get("two").runId()), RunStatus.SUCCEEDED, "\"second\"");
            RunEvent done = status(probe, pId, RunStatus.SUCCEEDED);
            assertThat(done.result()).isEqualTo(EventJson.readTree("{\"one\":\"first\",\"two\":\"second\"}"));
            assertThat(probe.seen(e -> e.topic().equals(Topics.RUN_REQUESTS) && pId.equals(e.key()))).isEmpty();

            String qId = start(q, summarize, "{}");
            Map<String, RunEvent> qNodes = nodes(probe, qId, 2);
            execute(request(probe, qNodes.get("one").runId()), RunStatus.SUCCEEDED, "41");
            RunRequest own = request(probe, qId);
            assertThat(own.definition().path("context").path("subtasks").path("one").asInt()).isEqualTo(41);
        }
    }

    @Test
    void aParentFailsWithItsFirstFailedSubtaskAndTheRestOfItsSubtreeIsCancelled() throws Exception {
        String p = name("p");
        String parent = """
                {"name":"%s","objective":"All or nothing","subtasks":[
                  {"name":"slow","objective":"S"},{"name":"bad","objective":"B"},
                  {"name":"after","objective":"A","dependsOn":["slow"]}]}""".formatted(p);

        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.RUN_REQUESTS)) {
            String pId = start(p, parent, "{}");
            Map<String, RunEvent> nodes = nodes(probe, pId, 4);
            assertThat(nodes.get("after").dependencyRunIds()).containsExactly(nodes.get("slow").runId());
            RunRequest slow = request(probe, nodes.get("slow").runId());
            report(slow, RunStatus.RUNNING, slow.seq() + 1, null);
            execute(request(probe, nodes.get("bad").runId()), RunStatus.FAILED, null);

            RunEvent failed = status(probe, pId, RunStatus.FAILED);
            assertThat(failed.error().code()).isEqualTo("subtask-failed");
            assertThat(failed.error().message()).contains("'bad'").contains("bad broke");
            assertThat(status(probe, nodes.get("slow").runId(), RunStatus.CANCELLED).error().message()).contains(pId);
            assertThat(status(probe, nodes.get("after").runId(), RunStatus.CANCELLED).error().code()).isEqualTo("cancelled");
            assertThat(statuses(probe, pId)).containsExactly(RunStatus.PENDING, RunStatus.FAILED);
        }
    }

    @Test
    void cancellingAParentCancelsItsWholeSubtree() throws Exception {
        String p = name("p");
        String parent = """
                {"name":"%s","objective":"Nested","subtasks":[
                  {"name":"outer","objective":"O","subtasks":[{"name":"inner","objective":"I"}]},
                  {"name":"side","objective":"S"}]}""".formatted(p);

        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.RUN_REQUESTS)) {
            String pId = start(p, parent, "{}");
            Map<String, RunEvent> nodes = nodes(probe, pId, 4);
            assertThat(nodes.get("inner").parentRunId()).isEqualTo(nodes.get("outer").runId());
            RunRequest inner = request(probe, nodes.get("inner").runId());
            request(probe, nodes.get("side").runId());
            report(inner, RunStatus.RUNNING, inner.seq() + 1, null);

            cancel(pId);
            assertThat(status(probe, pId, RunStatus.CANCELLED).error().message()).contains("alice");
            for (String task : List.of("outer", "inner", "side")) {
                status(probe, nodes.get(task).runId(), RunStatus.CANCELLED);
            }
            // the executor's late success changes nothing
            report(inner, RunStatus.SUCCEEDED, inner.seq() + 2, "1");
            probe.watchFor(Duration.ofMillis(500));
            assertThat(statuses(probe, nodes.get("outer").runId())).containsExactly(RunStatus.PENDING, RunStatus.CANCELLED);
        }
    }

    @Test
    void aGraphOfSixHundredNodesIsExpandedQueuedAndCancelledWhole() throws Exception {
        // tasks that name each other: twelve named subtasks of fifty inline leaves each, 613 runs in all
        List<String> middles = new java.util.ArrayList<>();
        for (int m = 0; m < 12; m++) {
            StringBuilder leaves = new StringBuilder();
            for (int l = 0; l < 50; l++) {
                leaves.append(l == 0 ? "" : ",").append("{\"name\":\"leaf").append(l).append("\",\"objective\":\"L\"}");
            }
            String middle = name("m" + m);
            define(middle, "{\"name\":\"%s\",\"objective\":\"M\",\"subtasks\":[%s]}".formatted(middle, leaves));
            middles.add("\"" + middle + "\"");
        }
        String root = name("wide");
        String definition = "{\"name\":\"%s\",\"objective\":\"Wide\",\"subtasks\":[%s]}".formatted(root,
                String.join(",", middles));

        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.RUN_REQUESTS)) {
            String rootId = start(root, definition, "{}");
            java.util.Set<String> graph = new java.util.HashSet<>();
            probe.await(e -> {
                if (e.topic().equals(Topics.RUN_EVENTS)) {
                    RunEvent event = EventJson.read(e.value(), RunEvent.class);
                    if (event.seq() == 1 && (event.runId().equals(rootId) || ("graph:" + rootId).equals(event.origin()))) {
                        graph.add(event.runId());
                    }
                }
                return graph.size() == 613;
            }, Duration.ofSeconds(90));
            java.util.function.IntSupplier requested = () -> probe.seen(
                    r -> r.topic().equals(Topics.RUN_REQUESTS) && graph.contains(r.key())).size();
            probe.await(e -> requested.getAsInt() >= 600, Duration.ofSeconds(90));
            probe.watchFor(Duration.ofMillis(500));
            assertThat(requested.getAsInt()).as("leaves handed to the executors, each once").isEqualTo(600);

            cancel(rootId);
            probe.await(e -> probe.seen(c -> RunStatus.CANCELLED.eventType().equals(c.type()) && graph.contains(c.key()))
                    .size() >= 613, Duration.ofSeconds(90));
        }
    }
}
