package io.taskmesh.cli;

/** What the command's exit status tells a script. Listed in every command's {@code --help}. */
public final class ExitCode {

    public static final int OK = 0;
    /** The command, or the run it waited for, did not succeed. */
    public static final int FAILED = 1;
    /** The command line is wrong: unknown option, missing argument, unreadable file. */
    public static final int USAGE = 2;
    public static final int NOT_FOUND = 3;
    /** Not logged in, the session expired, wrong credentials, or not allowed. */
    public static final int AUTH = 4;
    /** The API refused what was sent: a definition, inputs or parameters that are not valid. */
    public static final int INVALID = 5;

    private ExitCode() {
    }
}
