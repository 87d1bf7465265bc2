package io.taskmesh.api.task.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import io.taskmesh.events.ResultTypes;
import io.taskmesh.platform.schema.JsonSchemas;
import io.taskmesh.platform.expression.Expressions;
import io.taskmesh.platform.problem.Problem.FieldError;
import io.taskmesh.platform.schedule.CronSchedule;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything that must hold before a task definition is stored: its shape (the task definition schema:
 * no unknown fields, right types, limits in range), the JSON Schemas it carries, and the expressions in
 * it. Reports every offending field, not only the first.
 */
@ApplicationScoped
public class TaskDefinitionValidator {

    private static final JsonSchema DEFINITION_SCHEMA = JsonSchemas.load("io/taskmesh/api/task-definition.schema.json");
    /** The fields only event triggers have. */
    private static final List<String> EVENT_FIELDS = List.of("topic", "eventType", "filter", "inputsFrom");
    private static final Pattern KAFKA_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    /**
     * The largest definition, in bytes of JSON: every version is announced whole on taskmesh.task-definitions and
     * carried in each run request, and a Kafka record is at most 1 MiB by default; what is larger could never be
     * published, and the events stored after it would wait behind it.
     */
    public static final int MAX_DEFINITION_BYTES = 512 * 1024;

    /** The definition as it will be stored (result type shorthands turned into JSON Schema), or what is wrong. */
    public record Validated(ObjectNode definition, List<FieldError> errors) {
    }

    public Validated validate(JsonNode given) {
        if (given == null || !given.isObject()) {
            return new Validated(null, List.of(new FieldError("", "a task definition is a JSON object")));
        }
        ObjectNode definition = ((ObjectNode) given).deepCopy();
        int bytes = definition.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > MAX_DEFINITION_BYTES) {
            // not worth checking further: it cannot be stored however it is fixed
            return new Validated(null, List.of(new FieldError("", "the definition is " + bytes
                    + " bytes of JSON; a definition is at most " + MAX_DEFINITION_BYTES
                    + " (split large graphs into tasks that name each other)")));
        }
        List<FieldError> errors = new ArrayList<>(JsonSchemas.violations(DEFINITION_SCHEMA, definition, ""));
        normalizeResultType(definition, errors);
        checkSchema(definition, "parameters", errors);
        checkSchema(definition, "resultSchema", errors);
        checkExpression(definition.get("resultValidator"), "resultValidator", errors);
        JsonNode steps = definition.get("steps");
        if (steps != null && steps.isArray()) {
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < steps.size(); i++) {
                JsonNode step = steps.get(i);
                String at = "steps[" + i + "]";
                if (step.hasNonNull("id") && !ids.add(step.get("id").asText())) {
                    errors.add(new FieldError(at + ".id", "step id '" + step.get("id").asText() + "' is used twice"));
                }
                checkExpression(step.get("if"), at + ".if", errors);
                checkExpression(step.get("forEach"), at + ".forEach", errors);
                if ("transform".equals(step.path("action").asText())) {
                    checkExpression(step.get("expression"), at + ".expression", errors);
                }
            }
        }
        JsonNode triggers = definition.get("triggers");
        if (triggers != null && triggers.isArray()) {
            Set<String> eventTriggerNames = new HashSet<>();
            for (int i = 0; i < triggers.size(); i++) {
                checkTrigger(triggers.get(i), "triggers[" + i + "]", errors);
                checkEventTrigger(triggers.get(i), "triggers[" + i + "]", eventTriggerNames, errors);
            }
        }
        return new Validated(definition, errors.stream().distinct().toList());
    }

    private static void normalizeResultType(ObjectNode definition, List<FieldError> errors) {
        JsonNode type = definition.get("resultSchema");
        if (type == null || type.isNull()) {
            return;
        }
        try {
            definition.set("resultSchema", ResultTypes.toSchema(type));
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("resultSchema", e.getMessage()));
        }
    }

    private static void checkTrigger(JsonNode trigger, String at, List<FieldError> errors) {
        if (trigger.hasNonNull("cron")) {
            try {
                CronSchedule.parse(trigger.get("cron").asText(), trigger.path("timezone").asText(null));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError(at + (e.getMessage().contains("timezone") ? ".timezone" : ".cron"), e.getMessage()));
            }
        } else if (trigger.hasNonNull("timezone")) {
            try {
                CronSchedule.zone(trigger.get("timezone").asText());
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError(at + ".timezone", e.getMessage()));
            }
        }
        for (String field : List.of("at", "startAt", "endAt", "anchor")) {
            if (trigger.hasNonNull(field)) {
                try {
                    OffsetDateTime.parse(trigger.get(field).asText());
                } catch (DateTimeParseException e) {
                    errors.add(new FieldError(at + "." + field, "is not an ISO-8601 date-time with offset, "
                            + "e.g. 2026-12-01T09:00:00+01:00"));
                }
            }
        }
        if (trigger.hasNonNull("startAt") && trigger.hasNonNull("endAt")) {
            try {
                if (!OffsetDateTime.parse(trigger.get("startAt").asText())
                        .isBefore(OffsetDateTime.parse(trigger.get("endAt").asText()))) {
                    errors.add(new FieldError(at + ".endAt", "must be after startAt"));
                }
            } catch (DateTimeParseException ignored) {
                // reported above
            }
        }
    }

    /**
     * An event trigger reads a Kafka topic other than the platform's own (which carry every tenant's runs),
     * and its filter and mappings compile; the fields of event triggers belong to them only. The scheduler
     * checks the topic again before it subscribes (EventTriggerSpec).
     */
    private static void checkEventTrigger(JsonNode trigger, String at, Set<String> names, List<FieldError> errors) {
        if (!"event".equals(trigger.path("type").asText())) {
            for (String field : EVENT_FIELDS) {
                if (trigger.has(field)) {
                    errors.add(new FieldError(at + "." + field, "is only for triggers of type event"));
                }
            }
            return;
        }
        JsonNode topic = trigger.get("topic");
        if (topic != null && topic.isTextual()) {
            String problem = topicProblem(topic.asText());
            if (problem != null) {
                errors.add(new FieldError(at + ".topic", problem));
            }
        }
        if (trigger.path("name").isTextual() && !names.add(trigger.get("name").asText())) {
            errors.add(new FieldError(at + ".name", "another event trigger is named '" + trigger.get("name").asText()
                    + "': the name identifies the trigger, and the events it fired on, across versions"));
        }
        checkExpression(trigger.get("filter"), at + ".filter", errors);
        trigger.path("inputsFrom").properties().forEach(e ->
                checkExpression(e.getValue(), at + ".inputsFrom." + e.getKey(), errors));
    }

    private static String topicProblem(String topic) {
        if (!KAFKA_TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            return "is not a Kafka topic name: at most 249 letters, digits, '.', '_' and '-'";
        }
        if (topic.startsWith("taskmesh.") || topic.startsWith("__")) {
            return "names a topic of the platform or of Kafka itself, which triggers may not read";
        }
        return null;
    }

    private static void checkSchema(JsonNode definition, String field, List<FieldError> errors) {
        JsonNode schema = definition.get(field);
        if (schema != null && schema.isObject()) {
            errors.addAll(JsonSchemas.schemaViolations(schema, field));
        }
    }

    private static void checkExpression(JsonNode expression, String field, List<FieldError> errors) {
        if (expression != null && expression.isTextual()) {
            String problem = Expressions.compileError(expression.asText());
            if (problem != null) {
                errors.add(new FieldError(field, "is not a valid CEL expression: " + problem));
            }
        }
    }
}
