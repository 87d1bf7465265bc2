package io.taskmesh.platform.problem;

import java.util.List;

/** Thrown where a request cannot be served; becomes a problem response with the given status. */
public class ProblemException extends RuntimeException {

    private final Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail());
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    public static ProblemException notFound(String what) {
        return new ProblemException(Problem.of(404, "Not Found", what + " does not exist"));
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(Problem.of(409, "Conflict", detail));
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(Problem.of(403, "Forbidden", detail));
    }

    public static ProblemException invalid(int status, String detail, List<Problem.FieldError> errors) {
        String title = status == 400 ? "Bad Request" : "Unprocessable Content";
        return new ProblemException(new Problem("about:blank", title, status, detail, null, errors));
    }
}
