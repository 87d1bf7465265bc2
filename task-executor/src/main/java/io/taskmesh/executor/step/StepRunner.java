package io.taskmesh.executor.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunNotification;
import io.taskmesh.executor.agent.Agents;
import io.taskmesh.executor.http.HttpStep;
import io.taskmesh.executor.secret.Secrets;
import io.taskmesh.platform.expression.Expressions;
import io.taskmesh.platform.problem.Problem.FieldError;
import io.taskmesh.platform.schema.JsonSchemas;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Carries out a task's steps in order. Each step sees {@code inputs}, {@code context}, the secrets the
 * definition names ({@code secrets.NAME}), the run's memory ({@code memory.run|session|permanent.KEY}) and the
 * outputs of the steps before it ({@code steps.<id>.output}); a step whose {@code if} is false is skipped; a step
 * with {@code remember} keeps its output in memory; a task without steps has one agent step. The output of the
 * last step that ran is the run's result, which must match the task's {@code resultSchema} and
 * {@code resultValidator}. An attempt resumed after a person answered or decided does not carry out again the
 * steps it had finished: their outputs come back with it.
 */
@ApplicationScoped
public class StepRunner {

    /** A task without steps: one agent step built from its objective, instructions and result type. */
    private static final JsonNode IMPLICIT_AGENT_STEP = JsonNodeFactory.instance.arrayNode()
            .add(JsonNodeFactory.instance.objectNode().put("id", "agent").put("action", "agent"));

    private final HttpStep http;
    private final Agents agents;
    private final Secrets secrets;
    private final Notifier notifier;

    @Inject
    public StepRunner(HttpStep http, Agents agents, Secrets secrets, Notifier notifier) {
        this.http = http;
        this.agents = agents;
        this.secrets = secrets;
        this.notifier = notifier;
    }

    /** Steps without agents, secrets or notifications: for carrying out automated steps alone. */
    public StepRunner(HttpStep http) {
        this(http, null, null, null);
    }

    public JsonNode run(JsonNode definition, JsonNode inputs) {
        return run(RunScope.of(definition, inputs));
    }

    public JsonNode run(RunScope scope) {
        JsonNode definition = scope.definition();
        JsonNode steps = definition.path("steps");
        if (!steps.isArray() || steps.isEmpty()) {
            steps = IMPLICIT_AGENT_STEP;
        }
        ObjectNode done = scope.steps();
        Map<String, JsonNode> variables = new HashMap<>();
        variables.put("inputs", scope.inputs());
        variables.put("context", definition.path("context").isObject() ? definition.get("context")
                : JsonNodeFactory.instance.objectNode());
        variables.put("steps", done);
        variables.put("run", JsonNodeFactory.instance.objectNode().put("id", scope.runId())
                .put("task", definition.path("name").asText()).put("attempt", scope.attempt()));
        variables.put("memory", scope.memory().view());
        if (secrets != null) {
            variables.put("secrets", secrets.referencedBy(scope.tenant(), definition, scope.secretValues()));
        }
        JsonNode result = JsonNodeFactory.instance.nullNode();
        int[] pages = {0};
        JsonNode last = steps.get(steps.size() - 1);
        for (JsonNode step : steps) {
            String id = step.path("id").asText();
            if (done.has(id)) {
                // finished before the attempt stopped to wait for a person: not carried out twice
                result = done.get(id).path("output");
                continue;
            }
            if (step.hasNonNull("if") && !evaluate(step.get("if").asText(), variables, id).asBoolean(false)) {
                continue;
            }
            Action action = new Action(step, id, scope, step == last, pages);
            JsonNode output;
            try {
                output = step.hasNonNull("forEach") ? loop(action, variables) : perform(action, variables);
            } catch (AwaitingApproval waiting) {
                throw waiting.showing(result);
            }
            done.putObject(id).set("output", output);
            if (step.path("remember").isObject()) {
                JsonNode remember = step.get("remember");
                scope.memory().write(remember.path("scope").asText(Memory.defaultScope(definition)), remember.path("key").asText(), output);
            }
            result = output;
        }
        checkResult(definition, result);
        return result;
    }

    /** One step about to be carried out, with what it needs to know about its run. */
    private record Action(JsonNode step, String id, RunScope scope, boolean last, int[] pages) {
        JsonNode limits() {
            return scope.definition().path("limits");
        }
    }

    /**
     * {@code forEach}: the action once per element of the list the expression yields, with {@code item} and
     * {@code index} set; the output is the list of outputs. Bounded by {@code maxIterations} (default 100).
     */
    private JsonNode loop(Action action, Map<String, JsonNode> variables) {
        JsonNode step = action.step();
        String id = action.id();
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
            outputs.add(perform(action, scope));
        }
        return outputs;
    }

    private JsonNode perform(Action action, Map<String, JsonNode> variables) {
        JsonNode step = action.step();
        String id = action.id();
        return switch (step.path("action").asText()) {
            case "transform" -> evaluate(step.path("expression").asText(), variables, id);
            case "http" -> {
                countPage(action);
                yield http.call(step, variables, action.limits());
            }
            case "agent" -> agent(action, variables);
            case "delay" -> delay(action);
            case "approval" -> approval(action, variables);
            case "notify" -> notify(action, variables);
            case "task" -> runTask(action, variables);
            case "ask" -> {
                String question = Templates.text(step.path("question").asText(), variables, id);
                yield JsonNodeFactory.instance.textNode(action.scope().answerTo(question)
                        .orElseThrow(() -> new AwaitingInput(question)));
            }
            default -> throw new StepFailure("unsupported-action",
                    "step '" + id + "': the action '" + step.path("action").asText() + "' is not available in this executor");
        };
    }

    /**
     * Stops for a person's decision, once per attempt: approved, the step's output is the decision and the steps
     * after it run; rejected, the run fails with the person's comment.
     */
    private static JsonNode approval(Action action, Map<String, JsonNode> variables) {
        String id = action.id();
        String message = action.step().hasNonNull("message")
                ? Templates.text(action.step().get("message").asText(), variables, id) : "Approve step '" + id + "'?";
        String key = "approval:" + id + "#" + action.scope().attempt();
        var decision = action.scope().answerOf(key).orElseThrow(() -> new AwaitingApproval(key, id, message, null));
        String comment = decision.answer() == null ? "" : decision.answer();
        if (!Boolean.TRUE.equals(decision.approved())) {
            throw new StepFailure("approval-rejected", "step '" + id + "' was rejected"
                    + (decision.by() == null ? "" : " by " + decision.by()) + (comment.isBlank() ? "" : ": " + comment));
        }
        ObjectNode output = JsonNodeFactory.instance.objectNode().put("approved", true);
        if (decision.by() != null) {
            output.put("by", decision.by());
        }
        return output.put("comment", comment);
    }

    /**
     * Sends {@code message} (a template) and {@code data} (templates) to the people subscribed to the task's NOTIFY
     * events, on {@code channel} only when it names one; done once the broker has it. Secrets never leave in it.
     */
    private JsonNode notify(Action action, Map<String, JsonNode> variables) {
        String id = action.id();
        if (notifier == null) {
            throw new StepFailure("unsupported-action", "step '" + id + "': notifications are not available here");
        }
        RunScope scope = action.scope();
        String message = Secrets.scrub(Templates.text(action.step().path("message").asText(), variables, id),
                scope.secretValues());
        JsonNode data = action.step().has("data") ? Templates.render(action.step().get("data"), variables, id) : null;
        if (data != null && !scope.secretValues().isEmpty()) {
            data = EventJson.readTree(Secrets.scrub(data.toString(), scope.secretValues()));
        }
        RunNotification notification = new RunNotification(scope.tenant(), scope.runId(), scope.task(), scope.version(),
                scope.attempt(), id, message, action.step().path("channel").asText(null), data, Instant.now());
        JsonNode index = variables.get("index");
        String sent = notifier.send(notification, index == null ? "-" : index.asText());
        return JsonNodeFactory.instance.objectNode().put("sent", true).put("id", sent).put("message", message);
    }

    /**
     * Runs another task and waits for its result, which is the step's output: the first time, the attempt stops
     * (the scheduler starts the run); when that run has ended, the attempt is requested again with its outcome.
     * A run that did not succeed fails the step.
     */
    private static JsonNode runTask(Action action, Map<String, JsonNode> variables) {
        String id = action.id();
        JsonNode index = variables.get("index");
        String key = "task:" + id + "#" + action.scope().attempt() + (index == null ? "" : "/" + index.asText());
        String task = Templates.text(action.step().path("task").asText(), variables, id);
        var outcome = action.scope().answerOf(key);
        if (outcome.isEmpty()) {
            JsonNode inputs = action.step().has("inputs") ? Templates.render(action.step().get("inputs"), variables, id)
                    : JsonNodeFactory.instance.objectNode();
            if (!inputs.isObject()) {
                throw new StepFailure("inputs-invalid", "step '" + id + "': inputs must be an object");
            }
            throw new AwaitingRun(key, id, task, inputs);
        }
        if (!Boolean.TRUE.equals(outcome.get().approved())) {
            throw new StepFailure("subtask-failed", "step '" + id + "': " + outcome.get().answer());
        }
        String result = outcome.get().answer();
        return result == null || result.isEmpty() ? JsonNodeFactory.instance.nullNode() : EventJson.readTree(result);
    }

    private static void countPage(Action action) {
        int maxPages = action.limits().path("maxPages").asInt(Integer.MAX_VALUE);
        if (++action.pages()[0] > maxPages) {
            throw new StepFailure("max-pages", "step '" + action.id() + "': the run may fetch at most " + maxPages
                    + " pages (limits.maxPages)");
        }
    }

    /**
     * The agent's result is checked inside its loop (so it can correct it) when it is the run's result: the
     * last step's; an earlier agent step's result is free-form.
     */
    private JsonNode agent(Action action, Map<String, JsonNode> variables) {
        if (agents == null) {
            throw new StepFailure("no-agent", "step '" + action.id() + "': no agent is available here");
        }
        JsonNode definition = action.scope().definition();
        String prompt = action.step().hasNonNull("prompt")
                ? Templates.text(action.step().get("prompt").asText(), variables, action.id()) : null;
        JsonNode schema = action.last() ? definition.get("resultSchema") : null;
        return agents.run(action.step(), action.scope(), prompt, schema,
                result -> {
                    if (action.last()) {
                        checkResult(definition, result);
                    }
                }, () -> countPage(action));
    }

    /** Waits {@code seconds}; a wait past the run's deadline ends it as timed out. */
    private static JsonNode delay(Action action) {
        long seconds = action.step().path("seconds").asLong(0);
        Duration wanted = Duration.ofSeconds(seconds);
        Duration allowed = action.scope().remaining(wanted);
        try {
            Thread.sleep(allowed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure("cancelled", "step '" + action.id() + "' was interrupted");
        }
        if (allowed.compareTo(wanted) < 0) {
            throw new StepFailure("timed-out", "step '" + action.id() + "': the run's maxDurationSeconds ran out during the delay");
        }
        return JsonNodeFactory.instance.objectNode().put("waitedSeconds", seconds);
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
