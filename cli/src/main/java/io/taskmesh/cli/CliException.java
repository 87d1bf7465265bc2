package io.taskmesh.cli;

import java.util.List;

/** A failure to report in one line (and a few detail lines), with the exit status it stands for. */
public class CliException extends RuntimeException {

    private final int exitCode;
    private final List<String> details;

    public CliException(int exitCode, String message) {
        this(exitCode, message, List.of());
    }

    public CliException(int exitCode, String message, List<String> details) {
        super(message);
        this.exitCode = exitCode;
        this.details = List.copyOf(details);
    }

    public int exitCode() {
        return exitCode;
    }

    public List<String> details() {
        return details;
    }

    public static CliException usage(String message) {
        return new CliException(ExitCode.USAGE, message);
    }
}
