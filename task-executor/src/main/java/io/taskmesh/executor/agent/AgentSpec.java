package io.taskmesh.executor.agent;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Who carries out an agent step: an LLM behind an OpenAI-compatible endpoint, with its role. {@code trusted}
 * is true for the executor's own default model (configured by the operator, may be in-cluster) and false for a
 * base URL a task names, which passes the outbound address guard like any other call a tenant can aim.
 */
public record AgentSpec(String name, String baseUrl, String model, String apiKey, Double temperature,
        String systemPrompt, String role, String goal, boolean trusted) {

    /** The fields a task's {@code agent} object sets, over the executor's default for those it leaves out. */
    AgentSpec over(JsonNode agent, String apiKey) {
        String url = agent.path("baseUrl").asText(null);
        // the executor's own key never goes to an address a task chose
        String key = apiKey != null ? apiKey : url == null ? this.apiKey : null;
        return new AgentSpec(agent.path("name").asText(name), url == null ? baseUrl : url,
                agent.path("model").asText(model), key,
                agent.hasNonNull("temperature") ? Double.valueOf(agent.get("temperature").asDouble()) : temperature,
                agent.path("systemPrompt").asText(systemPrompt), agent.path("role").asText(role),
                agent.path("goal").asText(goal), trusted && url == null);
    }
}
