package io.taskmesh.api.task.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskmesh.platform.problem.Problem.FieldError;
import io.taskmesh.platform.schema.JsonSchemas;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** A run's inputs against the task's {@code parameters}, with the parameters' defaults filled in first. */
@ApplicationScoped
public class InputValidator {

    public record Checked(ObjectNode inputs, List<FieldError> errors) {
    }

    public Checked check(JsonNode parameters, JsonNode given) {
        if (given != null && !given.isNull() && !given.isObject()) {
            return new Checked(null, List.of(new FieldError("inputs", "must be an object")));
        }
        ObjectNode inputs = JsonSchemas.withDefaults(parameters,
                given == null || given.isNull() ? JsonNodeFactory.instance.objectNode() : (ObjectNode) given);
        if (parameters == null || !parameters.isObject()) {
            return new Checked(inputs, List.of());
        }
        return new Checked(inputs, JsonSchemas.violations(JsonSchemas.compile(parameters), inputs, "inputs"));
    }
}
