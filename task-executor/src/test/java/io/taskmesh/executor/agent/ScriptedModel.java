package io.taskmesh.executor.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.taskmesh.events.EventJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * An OpenAI-compatible Chat Completions server that answers from a script: no LLM can run here, so the
 * tests play the model. Each conversation has its own path ({@code /<id>/v1/chat/completions}); every request
 * is recorded with its Authorization header. Also serves {@code /<id>/tool} as an HTTP tool that records
 * what it is sent.
 */
final class ScriptedModel implements AutoCloseable {

    record Call(String authorization, JsonNode body) {
        /** The text of every message of the conversation so far, one after the other. */
        String conversation() {
            StringBuilder text = new StringBuilder();
            body.path("messages").forEach(m -> text.append(m.path("content").asText()).append('\n'));
            return text.toString();
        }
    }

    private final HttpServer server;
    private final Map<String, Queue<Function<Call, JsonNode>>> scripts = new ConcurrentHashMap<>();
    private final Map<String, List<Call>> calls = new ConcurrentHashMap<>();
    private final Map<String, List<JsonNode>> toolCalls = new ConcurrentHashMap<>();

    ScriptedModel() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    String baseUrl(String id) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + id + "/v1";
    }

    String toolUrl(String id) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + id + "/tool";
    }

    @SafeVarargs
    final void script(String id, Function<Call, JsonNode>... answers) {
        scripts.put(id, new ConcurrentLinkedQueue<>(List.of(answers)));
    }

    List<Call> calls(String id) {
        return calls.getOrDefault(id, List.of());
    }

    List<JsonNode> toolCalls(String id) {
        return toolCalls.getOrDefault(id, List.of());
    }

    static JsonNode says(String text) {
        return JsonNodeFactory.instance.objectNode().put("role", "assistant").put("content", text);
    }

    static JsonNode calls(String tool, String argumentsJson) {
        ObjectNode message = JsonNodeFactory.instance.objectNode().put("role", "assistant");
        message.putNull("content");
        ObjectNode call = message.putArray("tool_calls").addObject();
        call.put("id", "call_" + Math.abs(argumentsJson.hashCode())).put("type", "function");
        call.putObject("function").put("name", tool).put("arguments", argumentsJson);
        return message;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String[] parts = exchange.getRequestURI().getPath().split("/");
        String id = parts.length > 1 ? parts[1] : "";
        byte[] request = exchange.getRequestBody().readAllBytes();
        JsonNode body = EventJson.readTree(new String(request, StandardCharsets.UTF_8));
        if (exchange.getRequestURI().getPath().endsWith("/tool")) {
            toolCalls.computeIfAbsent(id, k -> Collections.synchronizedList(new ArrayList<>())).add(body);
            respond(exchange, 200, "{\"temperature\":21,\"unit\":\"celsius\"}");
            return;
        }
        Call call = new Call(exchange.getRequestHeaders().getFirst("Authorization"), body);
        calls.computeIfAbsent(id, k -> Collections.synchronizedList(new ArrayList<>())).add(call);
        Queue<Function<Call, JsonNode>> script = scripts.get(id);
        Function<Call, JsonNode> next = script == null ? null : script.poll();
        if (next == null) {
            respond(exchange, 500, "{\"error\":{\"message\":\"the script has no more answers\"}}");
            return;
        }
        ObjectNode completion = JsonNodeFactory.instance.objectNode().put("id", "chatcmpl-" + id).put("object", "chat.completion");
        completion.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop").set("message", next.apply(call));
        respond(exchange, 200, completion.toString());
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
