package io.taskmesh.platform.problem;

import io.quarkus.runtime.configuration.MemorySize;
import io.taskmesh.events.EventJson;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * A request whose announced body is over {@code quarkus.http.limits.max-body-size} is refused before it is
 * read, as Quarkus does, but with a problem body like every other error instead of a bare 413.
 */
@ApplicationScoped
public class HttpLimitProblems {

    void register(@Observes Router router) {
        long limit = ConfigProvider.getConfig().getOptionalValue("quarkus.http.limits.max-body-size", MemorySize.class)
                .map(MemorySize::asLongValue).orElse(10L * 1024 * 1024);
        router.route().order(Integer.MIN_VALUE).handler(rc -> {
            String length = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length == null || !tooLong(length, limit)) {
                rc.next();
                return;
            }
            Problem problem = Problem.of(413, "Content Too Large", "the body is larger than the " + limit
                    + " bytes this API takes").withInstance(rc.request().path());
            rc.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaders.CONNECTION, "close").end(EventJson.write(problem));
        });
    }

    private static boolean tooLong(String length, long limit) {
        try {
            return Long.parseLong(length.trim()) > limit;
        } catch (NumberFormatException e) {
            return false; // not ours to judge: the HTTP layer refuses a malformed length
        }
    }
}
