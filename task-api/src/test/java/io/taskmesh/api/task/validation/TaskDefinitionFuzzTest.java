package io.taskmesh.api.task.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskmesh.platform.problem.Problem.FieldError;

/**
 * Whatever text arrives as a task definition, the validator either accepts it (and then what it stores is valid
 * again) or names what is wrong, field by field: it never throws, which the API would turn into a 5xx. Run
 * coverage-guided with {@code JAZZER_FUZZ=1}; otherwise the inputs under {@code TaskDefinitionFuzzTestInputs}
 * (definitions with bad cron, timezones, CEL, JSON Schemas, templates and graphs) and the findings kept there.
 */
class TaskDefinitionFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final TaskDefinitionValidator validator = new TaskDefinitionValidator();

    @FuzzTest(maxDuration = "60s")
    void anyDefinitionIsAcceptedOrRefusedFieldByField(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        JsonNode given;
        try {
            given = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return; // not JSON: the API answers 400 before the validator sees it
        }
        TaskDefinitionValidator.Validated checked = validator.validate(given);
        if (checked.errors().isEmpty()) {
            assertThat(checked.definition()).isNotNull();
            assertThat(validator.validate(checked.definition()).errors()).as("a stored definition is valid again").isEmpty();
        } else {
            for (FieldError error : checked.errors()) {
                assertThat(error.field()).isNotNull();
                assertThat(error.message()).isNotBlank();
            }
        }
    }
}
