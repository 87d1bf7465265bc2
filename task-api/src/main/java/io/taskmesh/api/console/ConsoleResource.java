package io.taskmesh.api.console;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The web console's own settings: where its users sign in (the Keycloak realm as their browsers reach it,
 * which behind an ingress differs from the address this service uses), as which client, and where their
 * browsers reach the notification-service's API (subscriptions). The console
 * itself is static (META-INF/resources/console) and public; everything it shows comes from the API with the
 * user's token.
 */
@ApplicationScoped
@Path("/console")
public class ConsoleResource {

    /** What the console reads before it signs anyone in. */
    public record Settings(String authUrl, String clientId, String notificationsUrl) {
    }

    private final Settings settings;

    public ConsoleResource(@ConfigProperty(name = "taskmesh.console.auth-url") String authUrl,
            @ConfigProperty(name = "taskmesh.console.client-id") String clientId,
            @ConfigProperty(name = "taskmesh.console.notifications-url") String notificationsUrl) {
        this.settings = new Settings(authUrl, clientId, notificationsUrl.replaceAll("/+$", ""));
    }

    /** {@code /console} without its slash leads to the console, whose pages refer to files beside them. */
    void home(@Observes Router router) {
        router.get("/console").order(-1).handler(rc -> {
            if (rc.request().path().equals("/console")) {
                rc.redirect("/console/");
            } else {
                rc.next();
            }
        });
    }

    @GET
    @Path("/config.json")
    @Produces(MediaType.APPLICATION_JSON)
    public Settings settings() {
        return settings;
    }
}
