package io.taskmesh.cli.auth;

import io.taskmesh.cli.CliException;
import io.taskmesh.cli.Context;
import io.taskmesh.cli.ExitCode;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "logout", description = "End the session at Keycloak and forget the stored tokens.")
public final class LogoutCommand implements Callable<Integer> {

    private final Context context;

    public LogoutCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        CredentialStore store = context.credentials();
        Optional<Credentials> credentials;
        try {
            credentials = store.load();
        } catch (CliException unreadable) {
            credentials = Optional.empty();
        }
        if (credentials.isEmpty()) {
            store.delete();
            context.progress().println("Not logged in.");
            return ExitCode.OK;
        }
        String ended = "";
        if (credentials.get().refreshToken() != null) {
            try {
                boolean done = new Keycloak(context.http(), credentials.get().realmUrl(), context.clock())
                        .logout(credentials.get());
                ended = done ? "; the session at Keycloak is ended" : "; Keycloak did not end the session";
            } catch (CliException unreachable) {
                ended = "; Keycloak could not be reached, the session there ends when it expires";
            }
        }
        store.delete();
        context.progress().println("Logged out " + credentials.get().username() + ended + ".");
        return ExitCode.OK;
    }
}
