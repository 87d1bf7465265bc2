package io.taskmesh.scheduler.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunStatus;
import io.taskmesh.platform.reactive.OneAfterAnother;
import io.taskmesh.platform.schema.JsonSchemas;
import io.taskmesh.scheduler.run.ScheduledRun;
import io.taskmesh.scheduler.run.ScheduledRunRepository;
import io.taskmesh.scheduler.run.service.ConcurrencySlots;
import io.taskmesh.scheduler.run.service.RunTransitions;
import io.taskmesh.scheduler.trigger.KnownTask;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Run graphs: a run of a task with {@code subtasks} or {@code dependsOn} expands, when it is created, into one
 * run per node ({@link GraphPlanner}), all stored and announced in one transaction. A node whose needs have all
 * succeeded becomes READY and is queued with their results in its context; a parent without steps of its own
 * instead succeeds with its subtasks' results. When a node ends otherwise, the nodes that depend on it are
 * SKIPPED, its parent FAILED, and what is left of its subtree CANCELLED. Each of those changes is announced as
 * a run event, and the scheduler reacts to its own events as to the executors': whatever the order or the
 * number of deliveries, a node is started or ended once.
 * <p>
 * The runs of one graph are changed under the lock of its root's row, taken first, so that two nodes ending
 * at the same moment in two consumers or replicas see each other's outcome.
 */
@ApplicationScoped
public class RunGraphs {

    private static final Logger LOG = Logger.getLogger(RunGraphs.class);
    /** How long after its creation a run waits for the definition of a task its graph names. */
    static final Duration DEFINITION_WAIT = Duration.ofSeconds(10);
    private static final Duration WAIT_STEP = Duration.ofMillis(500);

    private final ScheduledRunRepository runs;
    private final RunLinkRepository links;
    private final RunTransitions transitions;
    private final ConcurrencySlots slots;
    private final TaskSteps taskSteps;

    public RunGraphs(ScheduledRunRepository runs, RunLinkRepository links, RunTransitions transitions,
            ConcurrencySlots slots, TaskSteps taskSteps) {
        this.runs = runs;
        this.links = links;
        this.transitions = transitions;
        this.slots = slots;
        this.taskSteps = taskSteps;
    }

    /** The run, locked until the transaction ends, after the root of its graph when it is a node of one. */
    public Uni<ScheduledRun> lock(UUID id) {
        return links.rootOf(id).chain(root -> root == null || root.equals(id) ? runs.lock(id)
                : runs.lock(root).chain(() -> runs.lock(id)));
    }

    /**
     * Expands a new run into its graph, or makes it FAILED with {@code graph-invalid} when a task it names is
     * inactive or archived, the graph has a cycle, or a node's parameters refuse the run's inputs. A task the
     * scheduler has not heard of may be one defined a moment ago whose definition is still on its way: the run
     * waits for it, PENDING, up to {@link #DEFINITION_WAIT} after its creation, tried again by the supervisor
     * ({@link #expandWaiting}), before it fails.
     *
     * @param root the run, not yet stored
     */
    public Uni<Void> expand(ScheduledRun root, JsonNode definition, String origin) {
        return expand(root, definition, origin, false);
    }

    /** Tries again to expand a run that waits for a definition (claimed by the supervisor, PENDING). */
    public Uni<Void> expandWaiting(ScheduledRun root) {
        return expand(root, EventJson.readTree(root.definition), null, true);
    }

    private Uni<Void> expand(ScheduledRun root, JsonNode definition, String origin, boolean stored) {
        return resolve(root.tenant, root.taskName, definition).chain(tasks -> {
            GraphPlanner.Plan plan = GraphPlanner.plan(root.taskName, root.taskVersion, definition,
                    EventJson.readTree(root.inputs), tasks::get);
            Instant now = Instant.now();
            Uni<Void> store = stored ? Uni.createFrom().voidItem() : runs.persist(root).replaceWithVoid();
            if (plan.unknownTask() && now.isBefore(root.createdAt.plus(DEFINITION_WAIT))) {
                root.nextAttemptAt = now.plus(WAIT_STEP);
                // announced once, so that a read model that did not see it requested knows of it meanwhile
                return stored ? Uni.createFrom().voidItem()
                        : transitions.announce(root, RunStatus.PENDING, null, null, origin).chain(() -> store);
            }
            root.nextAttemptAt = null;
            if (plan.error() != null) {
                LOG.infof("run %s of task %s cannot start: %s", root.id, root.taskName, plan.error());
                return transitions.announce(root, RunStatus.FAILED, null,
                        new RunEvent.RunError("graph-invalid", plan.error()), origin).chain(() -> store);
            }
            return create(root, plan, origin, stored);
        });
    }

    /** The tenant's tasks the graph reaches, by name, fetched level by level. */
    private Uni<Map<String, GraphPlanner.NamedTask>> resolve(String tenant, String rootName, JsonNode definition) {
        Map<String, GraphPlanner.NamedTask> found = new HashMap<>();
        Set<String> asked = new HashSet<>(Set.of(rootName));
        return fetch(tenant, GraphPlanner.referencedNames(definition), asked, found).replaceWith(found);
    }

    private Uni<Void> fetch(String tenant, Set<String> names, Set<String> asked, Map<String, GraphPlanner.NamedTask> found) {
        Set<String> wanted = new HashSet<>(names);
        wanted.removeAll(asked);
        if (wanted.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        asked.addAll(wanted);
        return Panache.getSession().chain(session -> session
                        .createSelectionQuery("from KnownTask where tenant = :tenant and name in :names", KnownTask.class)
                        .setParameter("tenant", tenant).setParameter("names", wanted).getResultList())
                .chain(tasks -> {
                    Set<String> next = new HashSet<>();
                    for (KnownTask task : tasks) {
                        JsonNode taskDefinition = EventJson.readTree(task.definition);
                        found.put(task.name, new GraphPlanner.NamedTask(task.name, task.version, task.state, taskDefinition));
                        if ("active".equals(task.state)) {
                            next.addAll(GraphPlanner.referencedNames(taskDefinition));
                        }
                    }
                    return fetch(tenant, next, asked, found);
                });
    }

    private Uni<Void> create(ScheduledRun root, GraphPlanner.Plan plan, String origin, boolean stored) {
        Map<String, ScheduledRun> byKey = new HashMap<>();
        List<ScheduledRun> created = new ArrayList<>();
        for (GraphPlanner.Node node : plan.nodes()) {
            ScheduledRun run = node == plan.nodes().getFirst() ? root : newNode(root, node);
            run.rootRunId = root.id;
            byKey.put(node.key(), run);
            created.add(run);
        }
        List<RunLink> made = new ArrayList<>();
        for (GraphPlanner.Node node : plan.nodes()) {
            ScheduledRun run = byKey.get(node.key());
            run.parentRunId = node.parentKey() == null ? null : byKey.get(node.parentKey()).id;
            node.needs().forEach((key, kind) -> {
                RunLink link = new RunLink();
                link.runId = run.id;
                link.needsRunId = byKey.get(key).id;
                link.kind = kind.wire();
                made.add(link);
            });
        }
        String nodeOrigin = "graph:" + root.id;
        // one node after the other, without a chain as deep as the graph (thousands of nodes); announced before
        // they are stored, so that each row is written once, in the status it has, rather than written and updated
        Uni<Void> announced = OneAfterAnother.each(plan.nodes(), node -> {
            ScheduledRun run = byKey.get(node.key());
            List<String> dependencies = node.needs().entrySet().stream()
                    .filter(e -> e.getValue() == GraphPlanner.Kind.DEPENDENCY).map(e -> byKey.get(e.getKey()).id.toString())
                    .toList();
            RunTransitions.NodeLinks links = new RunTransitions.NodeLinks(
                    run.parentRunId == null ? null : run.parentRunId.toString(), dependencies, node.definedIn());
            return transitions.announce(run, RunStatus.PENDING, null, null, run == root ? origin : nodeOrigin, links);
        });
        List<ScheduledRun> ready = plan.nodes().stream().filter(node -> node.needs().isEmpty()).map(node -> byKey.get(node.key()))
                .toList();
        ready.forEach(run -> run.needsNoResults = true);
        // the runs before the links that reference them
        return announced.chain(() -> OneAfterAnother.each(ready, run -> transitions.announce(run, RunStatus.READY, null, null)))
                .chain(() -> runs.persist(created.stream().filter(run -> !stored || run != root)))
                .chain(() -> links.persist(made.stream()))
                .chain(() -> OneAfterAnother.each(ready, run -> slots.start(run, null)));
    }

    private static ScheduledRun newNode(ScheduledRun root, GraphPlanner.Node node) {
        return ScheduledRun.pending(UUID.nameUUIDFromBytes((root.id + "/" + node.key()).getBytes(StandardCharsets.UTF_8)),
                root.tenant, node.name(), node.version(), node.definition().toString(), node.inputs().toString(),
                root.session, root.createdAt, root.updatedAt);
    }

    /**
     * What follows from the status a node of a graph is in now (the caller holds the graph's lock): nothing until
     * it ends for good (a FAILED run with an attempt to come has not); then the nodes that wait for it start when
     * it succeeded and nothing else holds them, or else are SKIPPED (dependents) or FAILED (its parent), and the
     * rest of its subtree (the whole graph, for the root) is CANCELLED.
     *
     * @param error why it ended, when it did not succeed
     */
    public Uni<Void> settle(ScheduledRun run, RunEvent.RunError error) {
        if (run.rootRunId == null || !run.status.isTerminal() || run.nextAttemptAt != null) {
            return Uni.createFrom().voidItem();
        }
        boolean succeeded = run.status.isSuccessful();
        Uni<Void> work = links.waitingFor(run.id).chain(waiting -> OneAfterAnother.each(waiting, w ->
                runs.lock(w.runId()).chain(next -> {
                    if (next != null && TaskSteps.waitsFor(next, run.id)) {
                        return taskSteps.ended(next, run, error == null ? null : error.message());
                    }
                    if (next == null || next.status != RunStatus.PENDING) {
                        return Uni.createFrom().voidItem();
                    }
                    if (succeeded) {
                        return startIfReady(next);
                    }
                    String outcome = "'" + run.taskName + "' (run " + run.id + ") ended " + run.status
                            + (error == null ? "" : ": " + error.message());
                    return w.kind() == GraphPlanner.Kind.SUBTASK
                            ? transitions.announce(next, RunStatus.FAILED, null,
                                    new RunEvent.RunError("subtask-failed", "subtask " + outcome))
                            : transitions.announce(next, RunStatus.SKIPPED, null,
                                    new RunEvent.RunError("dependency-failed", "dependency " + outcome));
                })));
        if (succeeded) {
            return work;
        }
        boolean root = run.id.equals(run.rootRunId);
        return work.chain(() -> links.unfinishedUnder(run.id, root)).chain(unfinished -> OneAfterAnother.each(unfinished,
                id -> runs.lock(id).chain(node -> {
                    if (node == null || (node.status.isTerminal() && node.nextAttemptAt == null)) {
                        return Uni.createFrom().voidItem();
                    }
                    return transitions.announce(node, RunStatus.CANCELLED, null, new RunEvent.RunError("cancelled",
                            (root ? "the graph's root run " : "its parent run ") + run.id + " ended " + run.status));
                })));
    }

    /** A PENDING node whose needs have all succeeded: queued with their results, or done when it only gathers. */
    private Uni<Void> startIfReady(ScheduledRun node) {
        return links.needsOf(node.id).chain(needed -> {
            if (needed.stream().anyMatch(n -> !n.status().isSuccessful())) {
                return Uni.createFrom().voidItem();
            }
            boolean parent = needed.stream().anyMatch(n -> n.kind() == GraphPlanner.Kind.SUBTASK);
            JsonNode definition = EventJson.readTree(node.definition);
            Uni<Void> ready = transitions.announce(node, RunStatus.READY, null, null);
            if (!parent || definition.path("steps").size() > 0) {
                return ready.chain(() -> slots.start(node, null));
            }
            ObjectNode results = JsonNodeFactory.instance.objectNode();
            for (RunLinkRepository.Needed n : needed) {
                if (n.kind() == GraphPlanner.Kind.SUBTASK) {
                    results.set(n.taskName(), n.result() == null ? results.nullNode() : EventJson.readTree(n.result()));
                }
            }
            List<String> problems = resultProblems(definition, results);
            return ready.chain(() -> problems.isEmpty()
                    ? transitions.announce(node, RunStatus.SUCCEEDED, results, null)
                    : transitions.announce(node, RunStatus.FAILED, null, new RunEvent.RunError("result-invalid",
                            "the subtasks' results do not match the task's resultSchema: " + String.join("; ", problems))));
        });
    }

    private static List<String> resultProblems(JsonNode definition, JsonNode result) {
        JsonNode schema = definition.path("resultSchema");
        if (!schema.isObject()) {
            return List.of();
        }
        return JsonSchemas.violations(JsonSchemas.compile(schema), result, "result").stream()
                .map(e -> e.field() + " " + e.message()).toList();
    }
}
