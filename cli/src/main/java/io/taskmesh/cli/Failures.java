package io.taskmesh.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** How a failure reaches the user: one line saying what is wrong, the fields at fault, and an exit code. */
final class Failures implements CommandLine.IExecutionExceptionHandler {

    private final Context context;

    Failures(Context context) {
        this.context = context;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine command, CommandLine.ParseResult parseResult) {
        PrintWriter err = command.getErr();
        context.out().flush();
        if (e instanceof CliException failure) {
            err.println("error: " + failure.getMessage());
            failure.details().forEach(d -> err.println("  " + d));
            err.flush();
            return failure.exitCode();
        }
        if (e instanceof ParameterException usage) {
            return usage(usage, new String[0]);
        }
        String message = e instanceof UncheckedIOException io ? io.getCause().getMessage() : e.getMessage();
        err.println("error: " + (message == null ? e.getClass().getSimpleName() : message));
        err.flush();
        return ExitCode.FAILED;
    }

    static int usage(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("error: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("See '" + command.getCommandSpec().qualifiedName() + " --help'.");
        err.flush();
        return ExitCode.USAGE;
    }
}
