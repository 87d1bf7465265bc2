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

    /** The names a definition links to, by field. */
    public static Map<String, List<String>> links(JsonNode definition) {
        Map<String, List<String>> links = new HashMap<>();
        for (String field : List.of("dependsOn", "subtasks")) {
            List<String> names = new ArrayList<>();
            definition.path(field).forEach(item -> {
                if (item.isTextual()) {
                    names.add(item.asText());
                }
            });
            links.put(field, names);
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
        links.forEach((field, names) -> {
            for (int i = 0; i < names.size(); i++) {
                String target = names.get(i);
                if (target.equals(name)) {
                    errors.add(new FieldError(field + "[" + i + "]", "a task cannot depend on itself"));
                } else if (!others.containsKey(target)) {
                    errors.add(new FieldError(field + "[" + i + "]", "there is no task named '" + target + "'"));
                } else {
                    direct.add(target);
                }
            }
        });
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
