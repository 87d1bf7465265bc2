package io.taskmesh.api.task.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.taskmesh.platform.problem.Problem;
import io.taskmesh.platform.problem.ProblemException;

/** Reads a request body as JSON, or as YAML when the client says so, so definitions can live in git. */
public final class DefinitionReader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new YAMLMapper();

    private DefinitionReader() {
    }

    public static JsonNode read(String body, String contentType) {
        boolean yaml = contentType != null && contentType.toLowerCase().contains("yaml");
        if (body == null || body.isBlank()) {
            throw new ProblemException(Problem.of(400, "Bad Request", "the request has no body"));
        }
        try {
            return (yaml ? YAML : JSON).readTree(body);
        } catch (JsonProcessingException e) {
            throw new ProblemException(Problem.of(400, "Bad Request",
                    "the body is not valid " + (yaml ? "YAML" : "JSON") + ": " + e.getOriginalMessage()));
        }
    }
}
