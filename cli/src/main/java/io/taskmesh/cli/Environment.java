package io.taskmesh.cli;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the command reads from the world besides its arguments: environment variables, standard input and
 * whether a person sits at a terminal. Tests pass their own, so the command runs in-process.
 */
public record Environment(Map<String, String> variables, InputStream stdin, boolean interactive) {

    public static Environment system() {
        return new Environment(System.getenv(), System.in, System.console() != null);
    }

    public String get(String name, String fallback) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** {@code $TASKMESH_CONFIG_DIR}, else {@code $XDG_CONFIG_HOME/taskmesh}, else {@code ~/.config/taskmesh}. */
    public Path configDir() {
        String explicit = get("TASKMESH_CONFIG_DIR", null);
        if (explicit != null) {
            return Path.of(explicit);
        }
        String xdg = get("XDG_CONFIG_HOME", null);
        if (xdg != null) {
            return Path.of(xdg, "taskmesh");
        }
        return Path.of(get("HOME", System.getProperty("user.home")), ".config", "taskmesh");
    }
}
