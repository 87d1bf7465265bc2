package io.taskmesh.cli.auth;

import io.taskmesh.cli.CliException;
import io.taskmesh.cli.ExitCode;
import java.net.http.HttpClient;
import java.time.Clock;

/**
 * The access token for the next request: {@code $TASKMESH_TOKEN} when set (for CI), else the stored login,
 * refreshed with its refresh token when it expires within half a minute.
 */
public final class Session {

    private static final long MARGIN_SECONDS = 30;

    private final CredentialStore store;
    private final HttpClient http;
    private final Clock clock;
    private final String explicitToken;
    private Credentials current;

    public Session(CredentialStore store, HttpClient http, Clock clock, String explicitToken) {
        this.store = store;
        this.http = http;
        this.clock = clock;
        this.explicitToken = explicitToken;
    }

    public synchronized String accessToken() {
        if (explicitToken != null) {
            return explicitToken;
        }
        Credentials credentials = current != null ? current : store.load().orElseThrow(() ->
                new CliException(ExitCode.AUTH, "not logged in: run 'taskmesh login' first"));
        if (credentials.expiresWithin(MARGIN_SECONDS, clock.instant())) {
            if (!credentials.canRefresh(clock.instant())) {
                throw new CliException(ExitCode.AUTH, "the session has expired: log in again with 'taskmesh login'");
            }
            try {
                credentials = new Keycloak(http, credentials.realmUrl(), clock).refresh(credentials);
            } catch (CliException e) {
                if (e.exitCode() == ExitCode.AUTH) {
                    throw new CliException(ExitCode.AUTH, e.getMessage() + ": log in again with 'taskmesh login'");
                }
                throw e;
            }
            store.save(credentials);
        }
        current = credentials;
        return credentials.accessToken();
    }
}
