package io.taskmesh.executor.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskmesh.executor.http.HttpStep;
import io.taskmesh.platform.expression.Expressions;
import io.taskmesh.platform.problem.Problem.FieldError;
import io.taskmesh.platform.schema.JsonSchemas;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Carries out a task's steps in order. Each step sees {@code inputs}, {@code context} and the outputs of
 * the steps before it ({@code steps.<id>.output}); a step whose {@code if} is false is skipped. The output
 * of the last step that ran is the run's result, which must match the task's {@code resultSchema} and
 * {@code resultValidator}.
 */
@ApplicationScoped
public class StepRunner {

    private final HttpStep http;

    public StepRunner(HttpStep http) {
        this.http = http;
    }

    public JsonNode run(JsonNode definition, JsonNode inputs) {
        JsonNode steps = definition.path("steps");
        if (!steps.isArray() || steps.isEmpty()) {
            throw new StepFailure("no-agent", "the task has no steps and no agent can carry out its objective yet");
        }
        ObjectNode done = JsonNodeFactory.instance.objectNode();
        Map<String, JsonNode> variables = new HashMap<>();
        variables.put("inputs", inputs);
        variables.put("context", definition.path("context").isObject() ? definition.get("context")
                : JsonNodeFactory.instance.objectNode());
        variables.put("steps", done);
        JsonNode result = JsonNodeFactory.instance.nullNode();
        JsonNode limits = definition.path("limits");
        int[] pages = {0};
        for (JsonNode step : steps) {
            String id = step.path("id").asText();
            if (step.hasNonNull("if") && !evaluate(step.get("if").asText(), variables, id).asBoolean(false)) {
                continue;
            }
            JsonNode output = step.hasNonNull("forEach") ? loop(step, variables, id, limits, pages)
                    : perform(step, variables, id, limits, pages);
            done.putObject(id).set("output", output);
            result = output;
        }
        checkResult(definition, result);
        return result;
    }

    /**
     * {@code forEach}: the action once per element of the list the expression yields, with {@code item} and
     * {@code index} set; the output is the list of outputs. Bounded by {@code maxIterations} (default 100).
     */
    private JsonNode loop(JsonNode step, Map<String, JsonNode> variables, String id, JsonNode limits, int[] pages) {
        JsonNode items = evaluate(step.get("forEach").asText(), variables, id);
        if (!items.isArray()) {
            throw new StepFailure("expression-failed", "step '" + id + "': forEach must give a list, not " + items);
        }
        int bound = step.path("maxIterations").asInt(100);
        if (items.size() > bound) {
            throw new StepFailure("max-iterations", "step '" + id + "': " + items.size() + " items exceed maxIterations "
                    + bound);
        }
        var outputs = JsonNodeFactory.instance.arrayNode();
        Map<String, JsonNode> scope = new HashMap<>(variables);
        for (int i = 0; i < items.size(); i++) {
            scope.put("item", items.get(i));
            scope.put("index", JsonNodeFactory.instance.numberNode(i));
            outputs.add(perform(step, scope, id, limits, pages));
        }
        return outputs;
    }

    private JsonNode perform(JsonNode step, Map<String, JsonNode> variables, String id, JsonNode limits, int[] pages) {
        String action = step.path("action").asText();
        int maxPages = limits.path("maxPages").asInt(Integer.MAX_VALUE);
        if ("http".equals(action) && ++pages[0] > maxPages) {
            throw new StepFailure("max-pages", "step '" + id + "': the run may fetch at most " + maxPages
                    + " pages (limits.maxPages)");
        }
        return switch (action) {
            case "transform" -> evaluate(step.path("expression").asText(), variables, id);
            case "http" -> http.call(step, variables, limits);
            default -> throw new StepFailure("unsupported-action",
                    "step '" + id + "': the action '" + action + "' is not available in this executor");
        };
    }

    private static JsonNode evaluate(String expression, Map<String, JsonNode> variables, String stepId) {
        try {
            return Expressions.evaluate(expression, variables);
        } catch (Expressions.InvalidExpressionException e) {
            throw new StepFailure("expression-failed", "step '" + stepId + "': " + e.getMessage());
        }
    }

    static void checkResult(JsonNode definition, JsonNode result) {
        JsonNode schema = definition.get("resultSchema");
        if (schema != null && schema.isObject()) {
            List<FieldError> errors = JsonSchemas.violations(JsonSchemas.compile(schema), result, "result");
            if (!errors.isEmpty()) {
                throw new StepFailure("result-invalid", "the result does not match the result schema: "
                        + errors.stream().map(e -> e.field() + " " + e.message()).collect(Collectors.joining("; ")));
            }
        }
        JsonNode validator = definition.get("resultValidator");
        if (validator != null && validator.isTextual()) {
            JsonNode verdict;
            try {
                verdict = Expressions.evaluate(validator.asText(), Map.of("result", result));
            } catch (Expressions.InvalidExpressionException e) {
                throw new StepFailure("result-invalid", "the result validator failed: " + e.getMessage());
            }
            if (!verdict.asBoolean(false)) {
                throw new StepFailure("result-invalid", "the result validator '" + validator.asText()
                        + "' is not true for the result");
            }
        }
    }
}
