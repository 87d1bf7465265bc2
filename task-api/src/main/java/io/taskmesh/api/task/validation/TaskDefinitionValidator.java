package io.taskmesh.api.task.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import io.taskmesh.platform.schema.JsonSchemas;
import io.taskmesh.platform.expression.Expressions;
import io.taskmesh.platform.problem.Problem.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything that must hold before a task definition is stored: its shape (the task definition schema:
 * no unknown fields, right types, limits in range), the JSON Schemas it carries, and the expressions in
 * it. Reports every offending field, not only the first.
 */
@ApplicationScoped
public class TaskDefinitionValidator {

    private static final JsonSchema DEFINITION_SCHEMA = JsonSchemas.load("io/taskmesh/api/task-definition.schema.json");

    public List<FieldError> validate(JsonNode definition) {
        if (definition == null || !definition.isObject()) {
            return List.of(new FieldError("", "a task definition is a JSON object"));
        }
        List<FieldError> errors = new ArrayList<>(JsonSchemas.violations(DEFINITION_SCHEMA, definition, ""));
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
        return errors.stream().distinct().toList();
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
