package io.taskmesh.executor.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.MalformedEventException;
import io.taskmesh.events.RunRequest;
import io.taskmesh.executor.http.HttpStep;
import io.taskmesh.executor.step.AwaitingInput;
import io.taskmesh.executor.step.Memory;
import io.taskmesh.executor.step.RunScope;
import io.taskmesh.executor.step.StepFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * An LLM agent carrying out one agent step, ControlFlow-style: it is given the task (objective, instructions,
 * expected output, result type, context, inputs, earlier steps, feedback on earlier attempts), may call the
 * task's tools, and ends only through a completion tool — {@code succeed(result)}, whose result is checked
 * against the result contract (a mismatch is told to the agent, which tries again), or {@code fail(reason)}.
 * Every model call counts against {@code limits.maxLlmTurns}.
 */
public final class AgentLoop {

    public static final String SUCCEED = "succeed";
    public static final String FAIL = "fail";
    public static final String HTTP_REQUEST = "http_request";
    public static final String ASK_USER = "ask_user";
    public static final String READ_MEMORY = "read_memory";
    public static final String WRITE_MEMORY = "write_memory";
    static final int DEFAULT_MAX_TURNS = 10;
    private static final int MAX_TOOL_OUTPUT = 20_000;

    private final ChatModel model;
    private final HttpStep http;
    private final Duration callTimeout;

    public AgentLoop(ChatModel model, HttpStep http, Duration callTimeout) {
        this.model = model;
        this.http = http;
        this.callTimeout = callTimeout;
    }

    /**
     * @param check throws a {@link StepFailure} with code {@code result-invalid} when a result breaks the
     *              contract; its message is what the agent is told
     * @param fetch counts one outbound HTTP call against {@code limits.maxPages}
     */
    public JsonNode run(AgentSpec agent, RunScope scope, String prompt, JsonNode steps, JsonNode resultSchema,
            Consumer<JsonNode> check, Runnable fetch) {
        JsonNode definition = scope.definition();
        JsonNode limits = definition.path("limits");
        int maxTurns = limits.path("maxLlmTurns").asInt(DEFAULT_MAX_TURNS);
        Map<String, JsonNode> declared = declaredTools(definition);
        ArrayNode tools = toolSpecs(definition, resultSchema, declared);

        ArrayNode messages = JsonNodeFactory.instance.arrayNode();
        messages.addObject().put("role", "system").put("content", systemPrompt(agent, tools));
        messages.addObject().put("role", "user").put("content", taskPrompt(scope, prompt, steps, resultSchema));
        scope.transcript().addAll(messages.deepCopy());

        for (int turn = 1; turn <= maxTurns; turn++) {
            JsonNode answer = ask(agent, scope, messages, tools);
            ObjectNode said = JsonNodeFactory.instance.objectNode().put("role", "assistant");
            if (answer.hasNonNull("content")) {
                said.put("content", answer.get("content").asText());
            }
            JsonNode calls = answer.path("tool_calls");
            if (calls.isArray() && !calls.isEmpty()) {
                said.set("tool_calls", calls);
            }
            messages.add(said);
            scope.transcript().add(said);
            if (!calls.isArray() || calls.isEmpty()) {
                tell(messages, scope, null, "Finish by calling one of the tools " + completionNames(tools)
                        + "; plain text does not end the task.");
                continue;
            }
            for (JsonNode call : calls) {
                String name = call.path("function").path("name").asText();
                String callId = call.path("id").asText("call-" + turn);
                JsonNode arguments = arguments(call.path("function").path("arguments"));
                if (arguments == null) {
                    tell(messages, scope, callId, "The arguments are not a JSON object; call " + name + " again.");
                    continue;
                }
                if (!isOffered(tools, name)) {
                    tell(messages, scope, callId, "There is no tool '" + name + "'. Tools: " + offeredNames(tools));
                    continue;
                }
                if (SUCCEED.equals(name)) {
                    JsonNode result = arguments.has("result") ? arguments.get("result") : JsonNodeFactory.instance.nullNode();
                    try {
                        check.accept(result);
                        return result;
                    } catch (StepFailure invalid) {
                        if (!"result-invalid".equals(invalid.code())) {
                            throw invalid;
                        }
                        tell(messages, scope, callId, "The result was not accepted: " + invalid.getMessage()
                                + ". Call succeed again with a corrected result.");
                    }
                    continue;
                }
                if (ASK_USER.equals(name)) {
                    String question = arguments.path("question").asText();
                    tell(messages, scope, callId, scope.answerTo(question).orElseThrow(() -> new AwaitingInput(question)));
                    continue;
                }
                if (READ_MEMORY.equals(name) || WRITE_MEMORY.equals(name)) {
                    tell(messages, scope, callId, remember(name, arguments, scope.memory(),
                            Memory.defaultScope(definition)));
                    continue;
                }
                if (FAIL.equals(name)) {
                    throw new StepFailure("agent-failed", "the agent gave up: " + arguments.path("reason").asText("no reason given"));
                }
                tell(messages, scope, callId, useTool(name, arguments, declared, limits, fetch));
            }
        }
        throw new StepFailure("max-llm-turns", "the agent did not finish within " + maxTurns + " model calls (limits.maxLlmTurns)");
    }

    private JsonNode ask(AgentSpec agent, RunScope scope, ArrayNode messages, ArrayNode tools) {
        try {
            return model.complete(agent, messages, tools, scope.remaining(callTimeout));
        } catch (StepFailure failure) {
            if (scope.deadline() != null && !Instant.now().isBefore(scope.deadline())) {
                throw new StepFailure("timed-out", "the run's maxDurationSeconds ran out: " + failure.getMessage());
            }
            throw failure;
        }
    }

    private static void tell(ArrayNode messages, RunScope scope, String callId, String content) {
        ObjectNode message = JsonNodeFactory.instance.objectNode();
        if (callId == null) {
            message.put("role", "user");
        } else {
            message.put("role", "tool").put("tool_call_id", callId);
        }
        message.put("content", content);
        messages.add(message);
        scope.transcript().add(message);
    }

    private String useTool(String name, JsonNode arguments, Map<String, JsonNode> declared, JsonNode limits, Runnable fetch) {
        try {
            JsonNode output;
            fetch.run();
            if (HTTP_REQUEST.equals(name)) {
                output = http.send("tool " + name, arguments.path("method").asText("GET").toUpperCase(Locale.ROOT),
                        arguments.path("url").asText(), headers(arguments), arguments.get("body"), limits);
            } else {
                JsonNode tool = declared.get(name);
                String method = tool.path("method").asText("POST").toUpperCase(Locale.ROOT);
                output = http.send("tool " + name, method, tool.path("url").asText(), headers(tool),
                        "GET".equals(method) || "HEAD".equals(method) ? null : arguments, limits);
            }
            String text = output.toString();
            return text.length() > MAX_TOOL_OUTPUT ? text.substring(0, MAX_TOOL_OUTPUT) + "…(cut)" : text;
        } catch (StepFailure failure) {
            if ("max-pages".equals(failure.code())) {
                throw failure;
            }
            // the agent sees what went wrong and may try something else
            return "The tool failed: " + failure.getMessage();
        }
    }

    /** {@code read_memory(key, scope)} and {@code write_memory(key, value, scope)}; the task's default scope when none is given. */
    private static String remember(String name, JsonNode arguments, Memory memory, String defaultScope) {
        String scope = arguments.path("scope").asText(defaultScope);
        String key = arguments.path("key").asText();
        try {
            if (READ_MEMORY.equals(name)) {
                return memory.read(scope, key).toString();
            }
            memory.write(scope, key, arguments.has("value") ? arguments.get("value") : JsonNodeFactory.instance.nullNode());
            return "Kept under '" + key + "' in the " + scope + " memory.";
        } catch (StepFailure refused) {
            return "The memory refused: " + refused.getMessage();
        }
    }

    private static Map<String, String> headers(JsonNode holder) {
        Map<String, String> headers = new LinkedHashMap<>();
        holder.path("headers").properties().forEach(h -> headers.put(h.getKey(), h.getValue().asText()));
        return headers;
    }

    private static JsonNode arguments(JsonNode raw) {
        try {
            JsonNode parsed = raw.isTextual() ? EventJson.readTree(raw.asText().isBlank() ? "{}" : raw.asText()) : raw;
            return parsed.isObject() ? parsed : null;
        } catch (MalformedEventException e) {
            return null;
        }
    }

    /** HTTP tools the task declares: {@code {"name", "description", "url", "method", "headers", "parameters"}}. */
    private static Map<String, JsonNode> declaredTools(JsonNode definition) {
        Map<String, JsonNode> tools = new LinkedHashMap<>();
        for (JsonNode tool : definition.path("tools")) {
            if (tool.isObject() && tool.hasNonNull("name") && tool.hasNonNull("url")) {
                tools.put(tool.get("name").asText(), tool);
            }
        }
        return tools;
    }

    private static ArrayNode toolSpecs(JsonNode definition, JsonNode resultSchema, Map<String, JsonNode> declared) {
        ArrayNode specs = JsonNodeFactory.instance.arrayNode();
        JsonNode completion = definition.path("completionTools");
        boolean limited = completion.isArray() && !completion.isEmpty();
        if (!limited || completion.toString().contains("SUCCEED")) {
            ObjectNode parameters = JsonNodeFactory.instance.objectNode().put("type", "object");
            parameters.putObject("properties").set("result", resultSchema == null || resultSchema.isNull()
                    ? JsonNodeFactory.instance.objectNode().put("description", "the result") : resultSchema);
            parameters.putArray("required").add("result");
            spec(specs, SUCCEED, "Finish the task with its result, of the result type.", parameters);
        }
        if (!limited || completion.toString().contains("FAIL")) {
            ObjectNode parameters = JsonNodeFactory.instance.objectNode().put("type", "object");
            parameters.putObject("properties").putObject("reason").put("type", "string");
            parameters.putArray("required").add("reason");
            spec(specs, FAIL, "Give up on the task, saying why it cannot be done.", parameters);
        }
        if (definition.path("validation").path("userAccess").asBoolean(false)) {
            ObjectNode parameters = JsonNodeFactory.instance.objectNode().put("type", "object");
            parameters.putObject("properties").putObject("question").put("type", "string");
            parameters.putArray("required").add("question");
            spec(specs, ASK_USER, "Ask the person who runs the task a question and get the answer.", parameters);
        }
        for (JsonNode tool : definition.path("tools")) {
            if (tool.isTextual() && READ_MEMORY.equals(tool.asText())) {
                spec(specs, READ_MEMORY, "Read what was kept in memory under a key (null when nothing was).",
                        memoryParameters(false));
            }
            if (tool.isTextual() && WRITE_MEMORY.equals(tool.asText())) {
                spec(specs, WRITE_MEMORY, "Keep a value in memory under a key: for this run (scope run), for the "
                        + "runs of this session (session, the default) or for every run of this task (permanent).",
                        memoryParameters(true));
            }
            if (tool.isTextual() && HTTP_REQUEST.equals(tool.asText())) {
                ObjectNode parameters = JsonNodeFactory.instance.objectNode().put("type", "object");
                ObjectNode properties = parameters.putObject("properties");
                properties.putObject("method").put("type", "string").putArray("enum").add("GET").add("POST");
                properties.putObject("url").put("type", "string");
                properties.putObject("headers").put("type", "object");
                properties.putObject("body").put("description", "JSON body, for POST");
                parameters.putArray("required").add("url");
                spec(specs, HTTP_REQUEST, "Send an HTTP request and get the status and body.", parameters);
            }
        }
        declared.forEach((name, tool) -> spec(specs, name, tool.path("description").asText("Call " + name),
                tool.has("parameters") ? tool.get("parameters") : JsonNodeFactory.instance.objectNode().put("type", "object")));
        return specs;
    }

    private static ObjectNode memoryParameters(boolean withValue) {
        ObjectNode parameters = JsonNodeFactory.instance.objectNode().put("type", "object");
        ObjectNode properties = parameters.putObject("properties");
        properties.putObject("key").put("type", "string");
        ArrayNode scopes = properties.putObject("scope").put("type", "string").putArray("enum");
        Memory.SCOPES.forEach(scopes::add);
        ArrayNode required = parameters.putArray("required").add("key");
        if (withValue) {
            properties.putObject("value").put("description", "any JSON value");
            required.add("value");
        }
        return parameters;
    }

    private static void spec(ArrayNode specs, String name, String description, JsonNode parameters) {
        ObjectNode function = specs.addObject().put("type", "function").putObject("function");
        function.put("name", name).put("description", description).set("parameters", parameters);
    }

    private static boolean isOffered(ArrayNode tools, String name) {
        return names(tools, n -> true).contains(name);
    }

    private static String offeredNames(ArrayNode tools) {
        return String.join(", ", names(tools, n -> true));
    }

    private static String completionNames(ArrayNode tools) {
        return String.join(" or ", names(tools, n -> SUCCEED.equals(n) || FAIL.equals(n)));
    }

    private static List<String> names(ArrayNode tools, Predicate<String> which) {
        List<String> names = new ArrayList<>();
        tools.forEach(t -> names.add(t.path("function").path("name").asText()));
        names.removeIf(which.negate());
        return names;
    }

    private static String systemPrompt(AgentSpec agent, ArrayNode tools) {
        StringBuilder text = new StringBuilder();
        if (agent.systemPrompt() != null && !agent.systemPrompt().isBlank()) {
            text.append(agent.systemPrompt()).append("\n\n");
        }
        text.append("You are ").append(agent.name() == null ? "an agent" : agent.name());
        if (agent.role() != null && !agent.role().isBlank()) {
            text.append(", ").append(agent.role());
        }
        text.append(".");
        if (agent.goal() != null && !agent.goal().isBlank()) {
            text.append(" Your goal: ").append(agent.goal());
        }
        text.append("\nYou carry out one task. Use the tools when they help. The task ends only when you call ")
                .append(completionNames(tools)).append(": call succeed with the result, of the result type, when it is done; ")
                .append("call fail with the reason when it cannot be done.");
        return text.toString();
    }

    private static String taskPrompt(RunScope scope, String prompt, JsonNode steps, JsonNode resultSchema) {
        JsonNode definition = scope.definition();
        StringBuilder text = new StringBuilder();
        section(text, "Objective", definition.path("objective").asText(null));
        section(text, "Instructions", definition.path("instructions").asText(null));
        section(text, "Step", prompt);
        section(text, "Expected output", definition.path("expectedOutput").asText(null));
        if (resultSchema != null && !resultSchema.isNull()) {
            section(text, "Result type (JSON Schema)", resultSchema.toString());
        }
        if (definition.path("context").isObject() && !definition.get("context").isEmpty()) {
            section(text, "Context", definition.get("context").toString());
        }
        if (scope.inputs() != null && !scope.inputs().isEmpty()) {
            section(text, "Inputs", scope.inputs().toString());
        }
        if (steps != null && !steps.isEmpty()) {
            section(text, "Outputs of earlier steps", steps.toString());
        }
        if (!scope.answers().isEmpty()) {
            StringBuilder answers = new StringBuilder("You asked, and the person answered:");
            for (RunRequest.Answer a : scope.answers()) {
                answers.append("\nQ: ").append(a.question()).append("\nA: ").append(a.answer());
            }
            section(text, "Answers", answers.toString());
        }
        if (!scope.feedback().isEmpty()) {
            StringBuilder feedback = new StringBuilder("An earlier result was sent back for revision. Take this into account:");
            for (RunRequest.Feedback f : scope.feedback()) {
                feedback.append("\n- ").append(f.content()).append(f.by() == null ? "" : " (" + f.by() + ")");
            }
            section(text, "Feedback", feedback.toString());
        }
        return text.toString().strip();
    }

    private static void section(StringBuilder text, String title, String body) {
        if (body != null && !body.isBlank()) {
            text.append("## ").append(title).append("\n").append(body).append("\n\n");
        }
    }
}
