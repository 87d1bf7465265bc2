package io.taskmesh.executor.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.MalformedEventException;
import io.taskmesh.executor.step.StepFailure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * One call to an OpenAI-compatible Chat Completions endpoint ({@code POST <baseUrl>/chat/completions}) —
 * OpenAI, vLLM, Ollama, llama.cpp server and the like — with the conversation so far and the tools the
 * agent may call. Returns the assistant's message. The API key goes only into the Authorization header.
 */
public final class ChatModel {

    private static final int MAX_BODY_IN_ERROR = 300;

    private final HttpClient client;

    public ChatModel(Duration connectTimeout) {
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public JsonNode complete(AgentSpec agent, ArrayNode messages, ArrayNode tools, Duration timeout) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("model", agent.model());
        body.set("messages", messages);
        if (!tools.isEmpty()) {
            body.set("tools", tools);
            body.put("tool_choice", "auto");
        }
        if (agent.temperature() != null) {
            body.put("temperature", agent.temperature());
        }
        URI uri = URI.create(agent.baseUrl().replaceAll("/+$", "") + "/chat/completions");
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (agent.apiKey() != null && !agent.apiKey().isBlank()) {
            request.header("Authorization", "Bearer " + agent.apiKey());
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new StepFailure("llm-failed", "the model at " + uri + " did not answer within " + timeout);
        } catch (IOException e) {
            throw new StepFailure("llm-failed", "the model at " + uri + " could not be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure("cancelled", "the call to the model was interrupted");
        }
        String text = response.body() == null ? "" : response.body();
        if (response.statusCode() != 200) {
            throw new StepFailure("llm-failed", "the model at " + uri + " answered " + response.statusCode() + ": "
                    + text.substring(0, Math.min(text.length(), MAX_BODY_IN_ERROR)));
        }
        try {
            JsonNode message = EventJson.readTree(text).path("choices").path(0).path("message");
            if (!message.isObject()) {
                throw new StepFailure("llm-failed", "the model's answer has no choices[0].message");
            }
            return message;
        } catch (MalformedEventException e) {
            throw new StepFailure("llm-failed", "the model's answer is not JSON");
        }
    }
}
