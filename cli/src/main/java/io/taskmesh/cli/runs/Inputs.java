package io.taskmesh.cli.runs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.taskmesh.cli.CliException;
import io.taskmesh.cli.ExitCode;
import io.taskmesh.cli.output.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A run's inputs from {@code --inputs file} and {@code --input key=value} (these win, key by key). */
final class Inputs {

    private static final ObjectReader STRICT_JSON = Json.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Inputs() {
    }

    static ObjectNode of(String file, List<String> pairs, InputStream stdin) {
        ObjectNode inputs = file == null ? JsonNodeFactory.instance.objectNode() : read(file, stdin);
        for (String pair : pairs == null ? List.<String>of() : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw CliException.usage("--input takes key=value, not '" + pair + "'");
            }
            inputs.set(pair.substring(0, eq), value(pair.substring(eq + 1)));
        }
        return inputs;
    }

    /** JSON when the text is a JSON value ({@code 21}, {@code true}, {@code [1,2]}, {@code "21"}), else the text. */
    static JsonNode value(String text) {
        if (text.isBlank()) {
            return TextNode.valueOf(text);
        }
        try {
            JsonNode parsed = STRICT_JSON.readTree(text);
            return parsed == null || parsed.isMissingNode() ? TextNode.valueOf(text) : parsed;
        } catch (IOException e) {
            return TextNode.valueOf(text);
        }
    }

    private static ObjectNode read(String file, InputStream stdin) {
        String text;
        try {
            text = file.equals("-") ? new String(stdin.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file));
        } catch (IOException e) {
            throw CliException.usage("cannot read " + file + ": " + e.getMessage());
        }
        JsonNode parsed;
        try {
            parsed = Json.YAML.readTree(text);
        } catch (IOException e) {
            throw new CliException(ExitCode.INVALID, file + " is not valid JSON or YAML: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (parsed == null || parsed.isMissingNode() || parsed.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!parsed.isObject()) {
            throw new CliException(ExitCode.INVALID, file + " must hold an object of inputs, like {\"x\": 21}");
        }
        return (ObjectNode) parsed;
    }
}
