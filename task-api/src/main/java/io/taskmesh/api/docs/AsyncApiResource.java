package io.taskmesh.api.docs;

import io.taskmesh.platform.problem.ProblemException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;

/**
 * The AsyncAPI document of every topic and event, with the JSON Schemas it refers to ({@code schemas/…},
 * relative to it), for anyone writing a producer, a consumer or an external worker. Public, like the OpenAPI
 * document.
 */
@Path("/asyncapi")
public class AsyncApiResource {

    private static final String BASE = "/io/taskmesh/events/";
    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z0-9-]+\\.v[0-9]+\\.json");

    @GET
    @Path("/taskmesh.yaml")
    @Produces("application/yaml")
    public byte[] document() {
        return read(BASE + "asyncapi.yaml");
    }

    @GET
    @Path("/schemas/{name}")
    @Produces("application/schema+json")
    public byte[] schema(@PathParam("name") String name) {
        if (!SCHEMA_NAME.matcher(name).matches()) {
            throw ProblemException.notFound("schema " + name);
        }
        return read(BASE + "schemas/" + name);
    }

    private static byte[] read(String resource) {
        try (InputStream in = AsyncApiResource.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw ProblemException.notFound(resource.substring(resource.lastIndexOf('/') + 1));
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
