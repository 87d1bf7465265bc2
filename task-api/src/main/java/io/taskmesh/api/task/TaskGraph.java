package io.taskmesh.api.task;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskmesh.platform.problem.Problem.FieldError;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The links between a tenant's tasks ({@code dependsOn} and {@code subtasks} by name): every name must be a
 * task of the tenant, and following the links from a task must never lead back to it.
 */
public final class TaskGraph {

    private TaskGraph() {
    }

    /** A name a definition links to, and where: {@code dependsOn[1]}, {@code subtasks[0].dependsOn[0]}. */
    public record Reference(String path, String name) {
    }

    /** Subtasks written inline are followed this deep at most (the validator bounds nesting anyway). */
    private static final int MAX_DEPTH = 32;

    /**
     * Every task a definition links to by name, its own {@code dependsOn} and {@code subtasks} and those of the
     * subtasks it writes inline, which run as part of it.
     */
    public static List<Reference> references(JsonNode definition) {
        List<Reference> found = new ArrayList<>();
        collect(definition, "", found, 0);
        return found;
    }

    private static void collect(JsonNode definition, String prefix, List<Reference> found, int depth) {
        if (depth > MAX_DEPTH) {
            return;
        }
        for (String field : List.of("dependsOn", "subtasks")) {
            JsonNode items = definition.path(field);
            for (int i = 0; i < items.size(); i++) {
                JsonNode item = items.get(i);
                String path = prefix + field + "[" + i + "]";
                if (item.isTextual()) {
                    found.add(new Reference(path, item.asText()));
                } else if (item.isObject() && field.equals("subtasks")) {
                    collect(item, path + ".", found, depth + 1);
                }
            }
        }
    }

    /** The names a definition links to (inline subtasks' included), by the top-level field they come from. */
    public static Map<String, List<String>> links(JsonNode definition) {
        Map<String, List<String>> links = new HashMap<>();
        links.put("dependsOn", new ArrayList<>());
        links.put("subtasks", new ArrayList<>());
        for (Reference reference : references(definition)) {
            links.get(reference.path().substring(0, reference.path().indexOf('['))).add(reference.name());
        }
        return links;
    }

    /**
     * @param name the task being defined
     * @param definition its new definition
     * @param others the current links of every other task of the tenant, by name
     */
    public static List<FieldError> check(String name, JsonNode definition, Map<String, Set<String>> others) {
        List<FieldError> errors = new ArrayList<>();
        Map<String, List<String>> links = links(definition);
        Set<String> direct = new LinkedHashSet<>();
        for (Reference reference : references(definition)) {
            String target = reference.name();
            if (target.equals(name)) {
                errors.add(new FieldError(reference.path(), "a task cannot depend on itself"));
            } else if (!others.containsKey(target)) {
                errors.add(new FieldError(reference.path(), "there is no task named '" + target + "'"));
            } else {
                direct.add(target);
            }
        }
        Map<String, Set<String>> graph = new HashMap<>(others);
        graph.put(name, direct);
        List<String> cycle = cycleThrough(name, graph);
        if (!cycle.isEmpty()) {
            errors.add(new FieldError(links.get("dependsOn").contains(cycle.get(1)) ? "dependsOn" : "subtasks",
                    "this makes a cycle: " + String.join(" -> ", cycle)));
        }
        return errors;
    }

    /** A path start -> ... -> start, or empty when there is none. */
    static List<String> cycleThrough(String start, Map<String, Set<String>> graph) {
        Deque<List<String>> paths = new ArrayDeque<>();
        paths.push(List.of(start));
        Set<String> visited = new HashSet<>();
        while (!paths.isEmpty()) {
            List<String> path = paths.pop();
            String last = path.getLast();
            for (String next : graph.getOrDefault(last, Set.of())) {
                List<String> longer = new ArrayList<>(path);
                longer.add(next);
                if (next.equals(start)) {
                    return longer;
                }
                if (visited.add(next)) {
                    paths.push(longer);
                }
            }
        }
        return List.of();
    }
}
