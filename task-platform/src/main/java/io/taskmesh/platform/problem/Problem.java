package io.taskmesh.platform.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem body. {@code errors} names every offending field by its JSON path, so a client can
 * show each message next to its field.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public record FieldError(String field, String message) {
    }

    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, null, List.of());
    }

    public Problem withInstance(String path) {
        return new Problem(type, title, status, detail, path, errors);
    }
}
