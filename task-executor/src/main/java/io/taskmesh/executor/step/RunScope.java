package io.taskmesh.executor.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskmesh.events.RunRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one attempt of a run carries while its steps run: the pinned definition, the inputs, feedback from
 * earlier attempts, answers to the questions it asked, the deadline, its memory, and what it collects for its
 * report — each step's output (those finished before it stopped to wait for a person come back with the request
 * that resumes it), the agent's transcript, what it wrote to memory and the secret values it was given (to scrub
 * them from everything it reports).
 */
public record RunScope(String tenant, String runId, String task, int version, int attempt, JsonNode definition, JsonNode inputs,
        List<RunRequest.Feedback> feedback, List<RunRequest.Answer> answers, Instant deadline, Set<String> secretValues,
        ObjectNode steps, ArrayNode transcript, Memory memory) {

    public static RunScope of(RunRequest request) {
        ObjectNode steps = request.progress() != null && request.progress().isObject()
                ? ((ObjectNode) request.progress()).deepCopy() : JsonNodeFactory.instance.objectNode();
        return new RunScope(request.tenant(), request.runId(), request.task(), request.version(), request.attempt(),
                request.definition(), request.inputs(),
                request.feedback() == null ? List.of() : request.feedback(),
                request.answers() == null ? List.of() : request.answers(), request.deadline(), new HashSet<>(),
                steps, JsonNodeFactory.instance.arrayNode(), Memory.of(request.memory()));
    }

    /** A scope without tenant, feedback or deadline: for carrying out a definition directly. */
    public static RunScope of(JsonNode definition, JsonNode inputs) {
        return new RunScope("", "", definition.path("name").asText(""), 1, 1, definition, inputs, List.of(), List.of(), null, new HashSet<>(),
                JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.arrayNode(), Memory.of(null));
    }

    /** The latest answer a person gave to this question, if it was asked and answered. */
    public Optional<RunRequest.Answer> answerOf(String question) {
        return answers.stream().filter(a -> a.question().equals(question)).reduce((a, b) -> b);
    }

    /** The answer a person gave to this question, if it was asked and answered. */
    public Optional<String> answerTo(String question) {
        return answerOf(question).map(RunRequest.Answer::answer);
    }

    /** Time left before the deadline, at most {@code cap}; a failure once it has passed. */
    public Duration remaining(Duration cap) {
        if (deadline == null) {
            return cap;
        }
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.isNegative() || left.isZero()) {
            throw new StepFailure("timed-out", "the run's maxDurationSeconds ran out");
        }
        return left.compareTo(cap) < 0 ? left : cap;
    }
}
