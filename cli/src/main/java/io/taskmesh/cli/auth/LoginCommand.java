package io.taskmesh.cli.auth;

import io.taskmesh.cli.CliException;
import io.taskmesh.cli.Context;
import io.taskmesh.cli.ExitCode;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "login", sortOptions = false,
        description = {"Log in to the platform's Keycloak realm and keep the tokens for the other commands.",
                "Without options it asks for the user name and password; --device logs in through a browser."})
public final class LoginCommand implements Callable<Integer> {

    private final Context context;

    @Option(names = {"-u", "--username"}, paramLabel = "<user>", description = "who logs in")
    String username;

    @Option(names = "--password-stdin", description = "read the password from the first line of standard input")
    boolean passwordStdin;

    @Option(names = "--device", description = "log in through a browser, on this or another device (OAuth device flow)")
    boolean device;

    @Option(names = "--keycloak-url", paramLabel = "<url>",
            description = "Keycloak (default: $TASKMESH_KEYCLOAK_URL or " + Context.DEFAULT_KEYCLOAK_URL + ")")
    String keycloakUrl;

    @Option(names = "--realm", paramLabel = "<realm>", description = "the realm (default: $TASKMESH_REALM or taskmesh)")
    String realm;

    public LoginCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (device && (passwordStdin || username != null)) {
            throw CliException.usage("--device asks in the browser: leave out --username and --password-stdin");
        }
        var environment = context.environment();
        String url = keycloakUrl != null ? keycloakUrl : environment.get("TASKMESH_KEYCLOAK_URL", Context.DEFAULT_KEYCLOAK_URL);
        String realmName = realm != null ? realm : environment.get("TASKMESH_REALM", "taskmesh");
        Keycloak keycloak = new Keycloak(context.http(), Keycloak.realmUrl(url, realmName), context.clock());
        PrintWriter out = context.progress();
        Credentials credentials;
        if (device) {
            Keycloak.DeviceCode code = keycloak.startDeviceLogin();
            out.println("Open " + (code.verificationUriComplete() != null ? code.verificationUriComplete()
                    : code.verificationUri()) + " and approve the code " + code.userCode() + " ...");
            out.flush();
            credentials = keycloak.awaitDeviceLogin(code);
        } else {
            String user = username != null ? username : ask("User: ");
            String password = passwordStdin ? readStdin() : askPassword(user);
            credentials = keycloak.password(user, password);
        }
        context.credentials().save(credentials);
        out.println("Logged in to " + keycloak.realmUrl() + " as " + credentials.describe() + ".");
        return ExitCode.OK;
    }

    private String ask(String prompt) {
        Console console = System.console();
        if (!context.environment().interactive() || console == null) {
            throw CliException.usage("no terminal to ask for the user name: give --username");
        }
        String answer = console.readLine(prompt);
        if (answer == null || answer.isBlank()) {
            throw CliException.usage("a user name is needed");
        }
        return answer.trim();
    }

    private String askPassword(String user) {
        Console console = System.console();
        if (!context.environment().interactive() || console == null) {
            throw CliException.usage("no terminal to ask for the password: pipe it with --password-stdin");
        }
        char[] password = console.readPassword("Password for %s: ", user);
        if (password == null) {
            throw CliException.usage("a password is needed");
        }
        return new String(password);
    }

    private String readStdin() {
        try {
            String line = new BufferedReader(new InputStreamReader(context.environment().stdin(), StandardCharsets.UTF_8))
                    .readLine();
            if (line == null || line.isEmpty()) {
                throw CliException.usage("--password-stdin: standard input has no password");
            }
            return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "--password-stdin: cannot read standard input: " + e.getMessage());
        }
    }
}
