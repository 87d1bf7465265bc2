package io.taskmesh.executor.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskmesh.events.RunRequest;
import java.util.List;

/**
 * What a run remembers, in three scopes: {@code run} (this run, across its pauses and attempts), {@code session}
 * (every run of the same session) and {@code permanent} (every run of the task). The scheduler keeps it and hands
 * the run what it holds with the request; what the run writes goes back with its outcome ({@link #writes()}) and
 * is stored when the scheduler records that outcome.
 */
public final class Memory {

    public static final List<String> SCOPES = RunRequest.MEMORY_SCOPES;
    public static final String DEFAULT_SCOPE = "session";
    /** The most keys one scope may hold for one owner (run, session or task). */
    public static final int MAX_KEYS = 200;
    /** The largest value one key may hold, as JSON. */
    public static final int MAX_VALUE_CHARS = 64 * 1024;

    private final ObjectNode view;
    private final ObjectNode writes = JsonNodeFactory.instance.objectNode();

    private Memory(ObjectNode view) {
        this.view = view;
    }

    static Memory of(JsonNode given) {
        ObjectNode view = JsonNodeFactory.instance.objectNode();
        for (String scope : SCOPES) {
            JsonNode held = given == null ? null : given.get(scope);
            view.set(scope, held != null && held.isObject() ? held.deepCopy() : JsonNodeFactory.instance.objectNode());
        }
        return new Memory(view);
    }

    /** {@code memory.run.x}, {@code memory.session.x}, {@code memory.permanent.x} for templates and expressions. */
    public ObjectNode view() {
        return view;
    }

    /** A value, or JSON null when the key holds none. */
    public JsonNode read(String scope, String key) {
        return view.path(checked(scope)).path(key).isMissingNode() ? JsonNodeFactory.instance.nullNode()
                : view.get(scope).get(key);
    }

    /** Keeps {@code value} under {@code key}: at once for this run, and for the others once the outcome is stored. */
    public void write(String scope, String key, JsonNode value) {
        ObjectNode held = (ObjectNode) view.get(checked(scope));
        if (key == null || key.isBlank() || key.length() > 100) {
            throw new StepFailure("memory-invalid", "a memory key is 1 to 100 characters");
        }
        if (!held.has(key) && held.size() >= MAX_KEYS) {
            throw new StepFailure("memory-full", "the " + scope + " memory holds " + MAX_KEYS + " keys at most");
        }
        if (value.toString().length() > MAX_VALUE_CHARS) {
            throw new StepFailure("memory-invalid", "the value for memory key '" + key + "' is larger than "
                    + MAX_VALUE_CHARS + " characters of JSON");
        }
        held.set(key, value);
        ObjectNode written = writes.has(scope) ? (ObjectNode) writes.get(scope) : writes.putObject(scope);
        written.set(key, value);
    }

    /** What this attempt wrote, by scope: {@code {"session": {"k": v}}}. */
    public ObjectNode writes() {
        return writes;
    }

    /** The scope a write without one goes to: the task's {@code memoryScope}, else {@code session}. */
    public static String defaultScope(JsonNode definition) {
        return definition.path("memoryScope").asText(DEFAULT_SCOPE);
    }

    private static String checked(String scope) {
        if (!SCOPES.contains(scope)) {
            throw new StepFailure("memory-invalid", "the memory scope '" + scope + "' is not one of " + SCOPES);
        }
        return scope;
    }
}
