package io.taskmesh.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One attempt of one run, for an executor. Produced by task-scheduler on {@link Topics#RUN_REQUESTS};
 * the executor numbers its own events after {@code seq}. The same attempt is requested again, with
 * {@code answers}, when a person answers the question it stopped on (or decides on the approval it stopped
 * on); {@code progress} then holds the outputs of the steps it had finished, which are not carried out again.
 * {@code memory} is what the run remembers: {@code {"run": {...}, "session": {...}, "permanent": {...}}};
 * {@code session} names the session the run belongs to.
 */
public record RunRequest(
        String tenant,
        String runId,
        String task,
        int version,
        int attempt,
        long seq,
        JsonNode definition,
        JsonNode inputs,
        Instant deadline,
        java.util.List<Feedback> feedback,
        java.util.List<Answer> answers,
        JsonNode progress,
        String session,
        JsonNode memory) {

    /** A request without answers: a new attempt. */
    public RunRequest(String tenant, String runId, String task, int version, int attempt, long seq, JsonNode definition,
            JsonNode inputs, Instant deadline, java.util.List<Feedback> feedback) {
        this(tenant, runId, task, version, attempt, seq, definition, inputs, deadline, feedback, null);
    }

    /** A request without progress or memory. */
    public RunRequest(String tenant, String runId, String task, int version, int attempt, long seq, JsonNode definition,
            JsonNode inputs, Instant deadline, java.util.List<Feedback> feedback, java.util.List<Answer> answers) {
        this(tenant, runId, task, version, attempt, seq, definition, inputs, deadline, feedback, answers, null, null, null);
    }

    /** Feedback a person gave on an earlier attempt's result, for the next attempt to take into account. */
    public record Feedback(String content, String by, Instant at) {
    }

    /**
     * A question the attempt asked (an {@code ask} step, or the agent's {@code ask_user}) and a person's answer:
     * a request with answers resumes the attempt, which finds them instead of asking again. For an
     * {@code approval} step, {@code approved} is the decision and {@code answer} the comment that came with it.
     */
    public record Answer(String question, String answer, String by, Instant at, Boolean approved) {

        public Answer(String question, String answer, String by, Instant at) {
            this(question, answer, by, at, null);
        }
    }

    /** The scopes of {@code memory}: this run, its session, every run of its task. */
    public static final java.util.List<String> MEMORY_SCOPES = java.util.List.of("run", "session", "permanent");

    public static final String TYPE = EventTypes.RUN_REQUESTED;
}
