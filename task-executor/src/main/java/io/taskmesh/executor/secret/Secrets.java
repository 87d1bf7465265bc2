package io.taskmesh.executor.secret;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskmesh.executor.step.StepFailure;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;

/**
 * A tenant's secrets, from the executor's environment (Kubernetes Secrets mounted as variables): the secret
 * {@code NAME} of tenant {@code acme} is {@code taskmesh.secret.acme.NAME}, i.e. the variable
 * {@code TASKMESH_SECRET_ACME_NAME}. A run sees only the secrets its definition names
 * ({@code {{ secrets.NAME }}}, an agent's {@code apiKeySecret}); every value it was given is remembered so
 * it can be scrubbed from whatever the run reports.
 */
@ApplicationScoped
public class Secrets {

    private static final Pattern REFERENCE = Pattern.compile("secrets\\.([A-Za-z_][A-Za-z0-9_]*)");
    public static final String REDACTED = "[secret]";

    private final Config config;

    public Secrets(Config config) {
        this.config = config;
    }

    public Optional<String> value(String tenant, String name) {
        return config.getOptionalValue("taskmesh.secret." + tenant + "." + name, String.class);
    }

    /** The secrets a definition refers to, as the {@code secrets} variable of its templates. */
    public ObjectNode referencedBy(String tenant, JsonNode definition, Set<String> used) {
        ObjectNode secrets = JsonNodeFactory.instance.objectNode();
        Matcher m = REFERENCE.matcher(definition.toString());
        Set<String> names = new LinkedHashSet<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        for (String name : names) {
            value(tenant, name).ifPresent(v -> {
                secrets.put(name, v);
                used.add(v);
            });
        }
        return secrets;
    }

    /** The named secret, or a failure that names it (never its value). */
    public String require(String tenant, String name, Set<String> used) {
        String value = value(tenant, name).orElseThrow(() -> new StepFailure("secret-missing",
                "the secret '" + name + "' is not defined for this tenant"));
        used.add(value);
        return value;
    }

    /** The text with every given secret value replaced by {@value #REDACTED}. */
    public static String scrub(String text, Set<String> values) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String value : values) {
            if (value.length() >= 4) {
                out = out.replace(value, REDACTED);
            }
        }
        return out;
    }
}
