package io.taskmesh.executor.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskmesh.executor.http.HttpStep;
import io.taskmesh.executor.secret.Secrets;
import io.taskmesh.executor.step.RunScope;
import io.taskmesh.executor.step.StepFailure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Finds who carries out an agent step — the step's {@code agent}, else the task's, else this executor's
 * default model — and runs the {@link AgentLoop}. An agent object may set {@code baseUrl}, {@code model},
 * {@code apiKeySecret} (the name of a tenant secret), {@code temperature}, {@code systemPrompt}, {@code role}
 * and {@code goal}; a base URL a task names passes the outbound address guard.
 */
@ApplicationScoped
public class Agents {

    private final AgentSpec defaults;
    private final AgentLoop loop;
    private final HttpStep http;
    private final Secrets secrets;

    @Inject
    public Agents(HttpStep http, Secrets secrets,
            @ConfigProperty(name = "taskmesh.executor.llm.base-url") Optional<String> baseUrl,
            @ConfigProperty(name = "taskmesh.executor.llm.model", defaultValue = "gpt-4o-mini") String model,
            @ConfigProperty(name = "taskmesh.executor.llm.api-key") Optional<String> apiKey,
            @ConfigProperty(name = "taskmesh.executor.llm.timeout", defaultValue = "PT120S") Duration timeout) {
        this.http = http;
        this.secrets = secrets;
        this.defaults = new AgentSpec("agent", baseUrl.orElse(null), model, apiKey.orElse(null), null, null, null, null, true);
        this.loop = new AgentLoop(new ChatModel(Duration.ofSeconds(10)), http, timeout);
    }

    public JsonNode run(JsonNode step, RunScope scope, String prompt, JsonNode resultSchema, Consumer<JsonNode> check,
            Runnable fetch) {
        AgentSpec agent = resolve(step, scope);
        if (agent.baseUrl() == null) {
            throw new StepFailure("no-agent", "no model is configured for this agent: give the agent a baseUrl, or "
                    + "configure the executor's default model (TASKMESH_LLM_BASE_URL)");
        }
        if (!agent.trusted()) {
            http.checkAddress("agent '" + agent.name() + "'", URI.create(agent.baseUrl()));
        }
        return loop.run(agent, scope, prompt, scope.steps(), resultSchema, check, fetch);
    }

    private AgentSpec resolve(JsonNode step, RunScope scope) {
        JsonNode chosen = step.hasNonNull("agent") ? step.get("agent") : scope.definition().path("agent");
        if (chosen.isTextual()) {
            return new AgentSpec(chosen.asText(), defaults.baseUrl(), defaults.model(), defaults.apiKey(), null, null,
                    null, null, true);
        }
        if (!chosen.isObject()) {
            return defaults;
        }
        String apiKey = chosen.hasNonNull("apiKeySecret")
                ? secrets.require(scope.tenant(), chosen.get("apiKeySecret").asText(), scope.secretValues()) : null;
        return defaults.over(chosen, apiKey);
    }
}
