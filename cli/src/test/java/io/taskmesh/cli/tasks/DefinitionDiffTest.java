package io.taskmesh.cli.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskmesh.cli.output.Json;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class DefinitionDiffTest {

    private static JsonNode yaml(String text) throws IOException {
        return Json.YAML.readTree(text);
    }

    @Test
    void aFileWithResultTypeShorthandsAndYamlNumbersIsTheDefinitionTheApiStored() throws IOException {
        JsonNode stored = Json.parse("""
                {"name":"t","objective":"o","limits":{"backoff":{"initialSeconds":2.0}},
                 "resultSchema":{"type":"array","items":{"type":"string","description":"a title"}}}""");
        JsonNode file = yaml("""
                objective: o
                name: t
                resultSchema: "list[string: a title]"
                limits:
                  backoff:
                    initialSeconds: 2
                """);
        assertThat(DefinitionDiff.between(stored, file)).isEmpty();
    }

    @Test
    void shorthandsExpandAsTheApiExpandsThem() throws IOException {
        assertThat(DefinitionDiff.normalized(yaml("resultSchema: int")).get("resultSchema").toString())
                .isEqualTo("{\"type\":\"integer\"}");
        assertThat(DefinitionDiff.normalized(yaml("resultSchema: [book, movie]")).get("resultSchema").toString())
                .isEqualTo("{\"enum\":[\"book\",\"movie\"]}");
        assertThat(DefinitionDiff.normalized(yaml("resultSchema: 'string: a title'")).get("resultSchema").toString())
                .isEqualTo("{\"type\":\"string\",\"description\":\"a title\"}");
        assertThat(DefinitionDiff.normalized(yaml("resultSchema: nonsense")).get("resultSchema").asText())
                .isEqualTo("nonsense");
    }

    @Test
    void changesAreToldByTopLevelFieldInTheFilesOrderThenTheRemovedOnes() throws IOException {
        JsonNode stored = Json.parse("""
                {"labels":{"a":"b"},"name":"t","objective":"Double a number","steps":[{"id":"a"}]}""");
        JsonNode file = yaml("""
                name: t
                objective: Double any number
                steps: [{id: b}]
                title: Doubler
                """);
        assertThat(DefinitionDiff.between(stored, file)).extracting(DefinitionDiff.Change::describe).containsExactly(
                "~ objective: \"Double a number\" → \"Double any number\"",
                "~ steps: [{\"id\":\"a\"}] → [{\"id\":\"b\"}]",
                "+ title: \"Doubler\"",
                "- labels");
    }
}
