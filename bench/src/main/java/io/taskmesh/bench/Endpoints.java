package io.taskmesh.bench;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the running platform is, from the same environment the services read (bin/taskmesh loads
 * {@code .taskmesh/postgres.env}); every default is the local stack of {@code bin/taskmesh up}.
 */
record Endpoints(String api, String keycloak, String kafka, String jdbcUrl, String dbUser, String dbPassword, Path state) {

    static Endpoints fromEnvironment(Map<String, String> env) {
        String dbHost = env.getOrDefault("TASKMESH_DB_HOST", "127.0.0.1");
        String dbPort = env.getOrDefault("TASKMESH_DB_PORT", "5432");
        String dbName = env.getOrDefault("TASKMESH_DB_NAME", "taskmesh");
        return new Endpoints(
                trimSlash(env.getOrDefault("TASKMESH_API_URL", "http://127.0.0.1:8080")),
                trimSlash(env.getOrDefault("TASKMESH_KEYCLOAK_URL", "http://127.0.0.1:8180")),
                env.getOrDefault("TASKMESH_KAFKA", "127.0.0.1:9092"),
                "jdbc:postgresql://" + dbHost + ":" + dbPort + "/" + dbName,
                env.getOrDefault("TASKMESH_DB_USER", "postgres"),
                env.getOrDefault("TASKMESH_DB_PASSWORD", "postgres"),
                Path.of(env.getOrDefault("TASKMESH_STATE", ".taskmesh")));
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
