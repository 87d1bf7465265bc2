package io.taskmesh.cli;

import io.taskmesh.cli.auth.LoginCommand;
import io.taskmesh.cli.auth.LogoutCommand;
import io.taskmesh.cli.output.Format;
import io.taskmesh.cli.runs.RunCommand;
import io.taskmesh.cli.runs.RunsCommand;
import io.taskmesh.cli.runs.StatsCommand;
import io.taskmesh.cli.tasks.TasksCommand;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.time.Clock;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code taskmesh} command: its subcommands, global options, exit codes and how errors are told. */
@Command(name = "taskmesh", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
        versionProvider = Taskmesh.Version.class, usageHelpAutoWidth = true, sortOptions = false,
        description = "Define tasks from files, run them and follow their runs on a Taskmesh platform.",
        subcommands = {LoginCommand.class, LogoutCommand.class, TasksCommand.class, RunCommand.class,
                RunsCommand.class, StatsCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:done; a run waited for ended SUCCEEDED or VALIDATED",
                "1:the command failed, or the run waited for did not succeed",
                "2:usage error: unknown option, missing argument, unreadable file",
                "3:not found",
                "4:not logged in, session expired, wrong credentials, or not allowed",
                "5:not valid: the API's problem names each field"},
        footerHeading = "%nEnvironment:%n",
        footer = {
                "  TASKMESH_API_URL       the task-api (default " + Context.DEFAULT_API_URL + ")",
                "  TASKMESH_KEYCLOAK_URL  Keycloak, for login (default " + Context.DEFAULT_KEYCLOAK_URL + ")",
                "  TASKMESH_CONFIG_DIR    where the login is kept (default ~/.config/taskmesh)",
                "  TASKMESH_TOKEN         an access token to use instead of the stored login"})
public final class Taskmesh implements Runnable {

    private final Context context;

    @Spec
    CommandSpec spec;

    public Taskmesh(Context context) {
        this.context = context;
    }

    @Option(names = "--api-url", scope = ScopeType.INHERIT, paramLabel = "<url>", order = 100,
            description = {"the task-api", "(default: $TASKMESH_API_URL, else " + Context.DEFAULT_API_URL + ")"})
    void apiUrl(String url) {
        if (url != null) {
            context.apiUrl = url;
        }
    }

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "<format>", order = 101,
            description = "table (default), json or yaml")
    void output(Format format) {
        if (format != null) {
            context.format = format;
        }
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is missing");
    }

    /** Runs the command line and answers its exit code; never throws, never prints a stack trace. */
    public static int execute(Environment environment, PrintWriter out, PrintWriter err, String... args) {
        try (Context context = new Context(environment, out, err, Clock.systemUTC())) {
            return commandLine(context).execute(args);
        }
    }

    static CommandLine commandLine(Context context) {
        CommandLine commandLine = new CommandLine(Taskmesh.class, new Factory(context));
        commandLine.setOut(context.out());
        commandLine.setErr(context.err());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler(new Failures(context));
        commandLine.setParameterExceptionHandler(Failures::usage);
        return commandLine;
    }

    /** Makes commands with a {@code (Context)} constructor, so they share the invocation's context. */
    private record Factory(Context context) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                Constructor<K> constructor = type.getDeclaredConstructor(Context.class);
                constructor.setAccessible(true);
                return constructor.newInstance(context);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Taskmesh.class.getPackage().getImplementationVersion();
            return new String[] {"taskmesh " + (version == null ? "development build" : version)};
        }
    }
}
