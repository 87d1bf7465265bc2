package io.taskmesh.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The checkout these tests read: files, the services' own configuration, and YAML/JSON parsing. */
final class Repo {

    static final Path ROOT = Path.of(System.getProperty("taskmesh.root", "../..")).toAbsolutePath().normalize();
    static final String VERSION = System.getProperty("taskmesh.version", "0.1.0-SNAPSHOT");
    static final List<String> SERVICES = List.of("task-api", "task-scheduler", "task-executor", "notification-service");
    static final YAMLMapper YAML = new YAMLMapper();
    static final ObjectMapper JSON = JsonMapper.builder().build();

    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");
    private static final Pattern OUTBOX_TOPIC = Pattern.compile("outbox\\.add\\(\\s*Topics\\.([A-Z_]+)");

    private Repo() {
    }

    static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    static String read(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode yaml(String relative) {
        try {
            return YAML.readTree(path(relative).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String relative) {
        try {
            return JSON.readTree(path(relative).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All documents of a multi-document YAML text (empty documents left out). */
    static List<JsonNode> documents(String yaml) {
        try {
            List<JsonNode> docs = new ArrayList<>();
            try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
                while (it.hasNext()) {
                    JsonNode doc = it.next();
                    if (doc != null && !doc.isNull() && !doc.isMissingNode() && !doc.isEmpty()) {
                        docs.add(doc);
                    }
                }
            }
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A property of the root pom.xml, e.g. keycloak.version. */
    static String pomProperty(String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(read("pom.xml"));
        if (!m.find()) {
            throw new IllegalStateException("no <" + name + "> in pom.xml");
        }
        return m.group(1).trim();
    }

    static Properties applicationProperties(String service) {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(path(service + "/src/main/resources/application.properties"))) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** The environment variables a service reads: every ${NAME...} in its application.properties. */
    static Set<String> environmentRead(String service) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = ENV_REFERENCE.matcher(read(service + "/src/main/resources/application.properties"));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    static int httpPort(String service) {
        return Integer.parseInt(applicationProperties(service).getProperty("quarkus.http.port"));
    }

    /** Topic constants (by field name) the service's Java code hands to its outbox. */
    /** Whether the service's outbox writes run requests to the topic of the agent's pool ({@code Topics.runRequests}). */
    static boolean writesRunRequestsOfPools(String service) {
        try (var files = Files.walk(path(service + "/src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (Files.readString(file).contains("Topics.runRequests(")) {
                    return true;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return false;
    }

    /** Whether the service's Java code contains {@code text}. */
    static boolean mentions(String service, String text) {
        try (var files = Files.walk(path(service + "/src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (Files.readString(file).contains(text)) {
                    return true;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return false;
    }

    static Set<String> outboxTopicConstants(String service) {
        Set<String> constants = new LinkedHashSet<>();
        try (var files = Files.walk(path(service + "/src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = OUTBOX_TOPIC.matcher(Files.readString(file));
                while (m.find()) {
                    constants.add(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return constants;
    }
}
