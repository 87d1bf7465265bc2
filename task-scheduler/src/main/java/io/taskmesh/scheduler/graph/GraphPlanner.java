package io.taskmesh.scheduler.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskmesh.platform.schema.JsonSchemas;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What a run of a task with {@code subtasks} or {@code dependsOn} expands into: one node per task of the graph.
 * A task of the tenant is one node however often the graph reaches it (a diamond runs its shared dependency
 * once); a subtask defined inline is a node of its own under the node that defines it. A node needs its
 * dependencies, those of its parents, and its subtasks. Names resolve, in a subtask defined inline, first to the
 * inline subtasks beside it, then to the tenant's tasks (their latest version, which must be active). Everything
 * is checked before anything runs: an unknown or inactive task, a cycle or inputs a node's parameters refuse make
 * the plan an error.
 */
public final class GraphPlanner {

    /** A task of the tenant, as announced on the task-definitions topic. */
    public record NamedTask(String name, int version, String state, JsonNode definition) {
    }

    /** Why a node waits for another. */
    public enum Kind {
        DEPENDENCY, SUBTASK;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Kind fromWire(String wire) {
            return valueOf(wire.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /**
     * One node: its key in the graph, the task it runs (an inline subtask: its own name, the version of the task
     * that defines it, and that task's name as {@code definedIn}), its inputs, its parent's key and what it needs.
     */
    public record Node(String key, String name, int version, JsonNode definition, String definedIn, JsonNode inputs,
            String parentKey, Map<String, Kind> needs) {
    }

    /**
     * The nodes, the root first, or why the run cannot start; {@code unknownTask} when that is a name no task of
     * the tenant has (yet: its definition may still be on its way to the scheduler).
     */
    public record Plan(List<Node> nodes, String error, boolean unknownTask) {
    }

    private static final String ROOT_PARENT = "";

    private final Function<String, NamedTask> tasks;
    private final JsonNode inputs;
    private final Map<String, Building> nodes = new LinkedHashMap<>();
    private final Deque<Building> unresolved = new ArrayDeque<>();
    private String rootKey;
    private String error;
    private boolean unknownTask;

    private GraphPlanner(Function<String, NamedTask> tasks, JsonNode inputs) {
        this.tasks = tasks;
        this.inputs = inputs;
    }

    /** Whether a run of this definition is a graph. */
    public static boolean isGraph(JsonNode definition) {
        return definition.path("subtasks").size() > 0 || definition.path("dependsOn").size() > 0;
    }

    /** The names of tasks a definition refers to, its inline subtasks' references included. */
    public static Set<String> referencedNames(JsonNode definition) {
        Set<String> names = new LinkedHashSet<>();
        collect(definition, names);
        return names;
    }

    private static void collect(JsonNode definition, Set<String> names) {
        definition.path("dependsOn").forEach(item -> {
            if (item.isTextual()) {
                names.add(item.asText());
            }
        });
        definition.path("subtasks").forEach(item -> {
            if (item.isTextual()) {
                names.add(item.asText());
            } else if (item.isObject()) {
                collect(item, names);
            }
        });
    }

    /**
     * @param tasks the tenant's tasks by name (null for an unknown name)
     * @param inputs the run's inputs, given to every node with the defaults of the node's parameters filled in
     */
    public static Plan plan(String name, int version, JsonNode definition, JsonNode inputs,
            Function<String, NamedTask> tasks) {
        return new GraphPlanner(tasks, inputs).build(name, version, definition);
    }

    private Plan build(String name, int version, JsonNode definition) {
        rootKey = key(name);
        add(rootKey, name, version, definition, null, Map.of(), ROOT_PARENT);
        while (error == null && !unresolved.isEmpty()) {
            resolveDependencies(unresolved.poll());
        }
        if (error == null) {
            inheritDependencies();
            checkAcyclic();
        }
        List<Node> planned = new ArrayList<>();
        if (error == null) {
            for (Building b : nodes.values()) {
                JsonNode nodeInputs = inputsOf(b);
                if (error != null) {
                    break;
                }
                planned.add(new Node(b.key, b.name, b.version, b.definition, b.definedIn, nodeInputs,
                        ROOT_PARENT.equals(b.parentKey) ? null : b.parentKey,
                        java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.needs))));
            }
        }
        return error != null ? new Plan(List.of(), error, unknownTask) : new Plan(planned, null, false);
    }

    private static String key(String taskName) {
        return "task:" + taskName;
    }

    /** A node and, at once, its subtasks; its dependencies are resolved once every sibling exists. */
    private Building add(String key, String name, int version, JsonNode definition, String definedIn,
            Map<String, String> siblings, String parentKey) {
        Building node = new Building(key, name, version, definition, definedIn, siblings, parentKey);
        nodes.put(key, node);
        String owner = definedIn != null ? definedIn : name;
        Map<String, String> inline = new LinkedHashMap<>();
        for (JsonNode item : definition.path("subtasks")) {
            if (item.isObject()) {
                String child = item.path("name").asText();
                if (inline.put(child, key + "/" + child) != null) {
                    fail("two subtasks of '" + name + "' are named '" + child + "'");
                    return node;
                }
            }
        }
        for (JsonNode item : definition.path("subtasks")) {
            Building child;
            if (item.isTextual()) {
                child = named(item.asText(), "the subtasks of '" + name + "'");
                if (child != null && child.parentKey == null && !child.key.equals(rootKey)) {
                    child.parentKey = key;
                }
            } else if (item.isObject()) {
                child = add(inline.get(item.path("name").asText()), item.path("name").asText(), version, item, owner,
                        inline, key);
            } else {
                continue;
            }
            if (error != null) {
                return node;
            }
            if (child != null) {
                node.needs.putIfAbsent(child.key, Kind.SUBTASK);
            }
        }
        unresolved.add(node);
        return node;
    }

    /** The node of a task of the tenant, added with its own graph the first time it is reached. */
    private Building named(String name, String via) {
        Building known = nodes.get(key(name));
        if (known != null) {
            return known;
        }
        NamedTask task = tasks.apply(name);
        if (task == null) {
            unknownTask = error == null;
            fail("there is no task named '" + name + "' (named in " + via + ")");
            return null;
        }
        if (!"active".equals(task.state())) {
            fail("task '" + name + "' (named in " + via + ") is " + task.state() + " and takes no new runs");
            return null;
        }
        // reached as a subtask or dependency: no parent until a subtasks list names it
        return add(key(name), name, task.version(), task.definition(), null, Map.of(), null);
    }

    private void resolveDependencies(Building node) {
        for (JsonNode item : node.definition.path("dependsOn")) {
            if (!item.isTextual()) {
                continue;
            }
            String name = item.asText();
            String sibling = node.siblings.get(name);
            Building target = sibling != null ? nodes.get(sibling) : named(name, "the dependsOn of '" + node.name + "'");
            if (error != null) {
                return;
            }
            node.ownDependencies.add(target.key);
            node.needs.putIfAbsent(target.key, Kind.DEPENDENCY);
        }
    }

    /**
     * A subtask is part of its parent's work, which starts only once the parent's dependencies have succeeded: it
     * waits for them too (but never for itself or one of its own parents).
     */
    private void inheritDependencies() {
        for (Building node : nodes.values()) {
            Set<String> lineage = new HashSet<>();
            for (Building up = node; up != null; up = parentOf(up)) {
                if (!lineage.add(up.key)) {
                    break;
                }
            }
            Set<String> seen = new HashSet<>();
            for (Building up = parentOf(node); up != null && seen.add(up.key); up = parentOf(up)) {
                for (String dependency : up.ownDependencies) {
                    if (!lineage.contains(dependency)) {
                        node.needs.putIfAbsent(dependency, Kind.DEPENDENCY);
                    }
                }
            }
        }
    }

    private Building parentOf(Building node) {
        return node.parentKey == null || ROOT_PARENT.equals(node.parentKey) ? null : nodes.get(node.parentKey);
    }

    private void checkAcyclic() {
        Map<String, Integer> state = new HashMap<>();
        for (String start : nodes.keySet()) {
            if (state.containsKey(start)) {
                continue;
            }
            Deque<String> path = new ArrayDeque<>();
            if (cycleFrom(start, state, path)) {
                return;
            }
        }
    }

    /** Depth first; on a cycle, records it by task names and returns true. */
    private boolean cycleFrom(String key, Map<String, Integer> state, Deque<String> path) {
        state.put(key, 1);
        path.addLast(key);
        for (String next : nodes.get(key).needs.keySet()) {
            Integer seen = state.get(next);
            if (seen == null) {
                if (cycleFrom(next, state, path)) {
                    return true;
                }
            } else if (seen == 1) {
                List<String> cycle = new ArrayList<>();
                boolean in = false;
                for (String k : path) {
                    in = in || k.equals(next);
                    if (in) {
                        cycle.add(nodes.get(k).name);
                    }
                }
                cycle.add(nodes.get(next).name);
                fail("the graph has a cycle: " + String.join(" needs ", cycle));
                return true;
            }
        }
        path.removeLast();
        state.put(key, 2);
        return false;
    }

    /** The run's inputs with the node's parameter defaults filled in, checked against its parameters. */
    private JsonNode inputsOf(Building node) {
        JsonNode parameters = node.definition.path("parameters");
        ObjectNode given = JsonSchemas.withDefaults(parameters, inputs.isObject() ? (ObjectNode) inputs
                : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
        if (!parameters.isObject()) {
            return given;
        }
        List<String> problems = JsonSchemas.violations(JsonSchemas.compile(parameters), given, "inputs").stream()
                .map(e -> e.field() + " " + e.message()).toList();
        if (!problems.isEmpty()) {
            fail("the run's inputs do not match the parameters of task '" + node.name + "': " + String.join("; ", problems));
        }
        return given;
    }

    private void fail(String message) {
        if (error == null) {
            error = message;
        }
    }

    private static final class Building {
        final String key;
        final String name;
        final int version;
        final JsonNode definition;
        final String definedIn;
        final Map<String, String> siblings;
        String parentKey;
        final Map<String, Kind> needs = new LinkedHashMap<>();
        final Set<String> ownDependencies = new LinkedHashSet<>();

        Building(String key, String name, int version, JsonNode definition, String definedIn, Map<String, String> siblings,
                String parentKey) {
            this.key = key;
            this.name = name;
            this.version = version;
            this.definition = definition;
            this.definedIn = definedIn;
            this.siblings = siblings;
            this.parentKey = parentKey;
        }
    }
}
