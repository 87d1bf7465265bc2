package io.taskmesh.cli.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import io.taskmesh.cli.CliException;
import io.taskmesh.cli.ExitCode;
import io.taskmesh.cli.output.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Task definitions read from files: YAML or JSON, several YAML documents per file ({@code ---}), a directory
 * meaning its {@code *.yaml}, {@code *.yml} and {@code *.json} files in name order, {@code -} standard input.
 */
final class DefinitionFiles {

    /** One definition and where it came from ({@code examples/double.yaml}, {@code all.yaml#2}). */
    record Definition(String source, String name, JsonNode body) {
    }

    private DefinitionFiles() {
    }

    static List<Definition> read(List<String> paths, InputStream stdin) {
        List<Definition> definitions = new ArrayList<>();
        for (String path : paths) {
            if (path.equals("-")) {
                try {
                    String text = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
                    parse("(stdin)", new StringReader(text), definitions);
                } catch (IOException e) {
                    throw CliException.usage("cannot read standard input: " + e.getMessage());
                }
                continue;
            }
            Path file = Path.of(path);
            if (Files.isDirectory(file)) {
                List<Path> files;
                try (Stream<Path> listed = Files.list(file)) {
                    files = listed.filter(f -> Files.isRegularFile(f) && isDefinitionFile(f)).sorted().toList();
                } catch (IOException e) {
                    throw CliException.usage("cannot read the directory " + path + ": " + e.getMessage());
                }
                if (files.isEmpty()) {
                    throw CliException.usage(path + " holds no .yaml, .yml or .json file");
                }
                files.forEach(f -> readFile(f, definitions));
            } else if (Files.isRegularFile(file)) {
                readFile(file, definitions);
            } else {
                throw CliException.usage("no such file or directory: " + path);
            }
        }
        Map<String, String> seen = new HashMap<>();
        for (Definition d : definitions) {
            String earlier = seen.putIfAbsent(d.name(), d.source());
            if (earlier != null) {
                throw new CliException(ExitCode.INVALID, "task '" + d.name() + "' is defined twice: in " + earlier
                        + " and in " + d.source());
            }
        }
        return definitions;
    }

    private static boolean isDefinitionFile(Path file) {
        String name = file.getFileName().toString().toLowerCase();
        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
    }

    private static void readFile(Path file, List<Definition> into) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            parse(file.toString(), reader, into);
        } catch (IOException e) {
            throw CliException.usage("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static void parse(String source, Reader reader, List<Definition> into) {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> parsed = Json.YAML.readerFor(JsonNode.class).readValues(reader)) {
            while (parsed.hasNextValue()) {
                JsonNode document = parsed.nextValue();
                if (document != null && !document.isNull() && !document.isMissingNode()) {
                    documents.add(document);
                }
            }
        } catch (IOException | RuntimeException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new CliException(ExitCode.INVALID, source + " is not valid YAML or JSON: " + message);
        }
        for (int i = 0; i < documents.size(); i++) {
            String where = documents.size() == 1 ? source : source + "#" + (i + 1);
            JsonNode document = documents.get(i);
            if (!document.isObject()) {
                throw new CliException(ExitCode.INVALID, where + " is not a task definition (a mapping of fields)");
            }
            if (!document.path("name").isTextual() || document.path("name").asText().isBlank()) {
                throw new CliException(ExitCode.INVALID, where + ": the task definition has no name",
                        List.of("name: is required"));
            }
            into.add(new Definition(where, document.get("name").asText(), document));
        }
    }
}
