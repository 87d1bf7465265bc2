package io.taskmesh.cli.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskmesh.cli.CliException;
import io.taskmesh.cli.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefinitionFilesTest {

    @TempDir
    Path dir;

    @Test
    void aDirectoryMeansItsYamlAndJsonFilesInNameOrderWithEveryDocumentOfEach() throws IOException {
        Files.writeString(dir.resolve("b.yaml"), "name: b1\nobjective: o\n---\nname: b2\nobjective: o\n");
        Files.writeString(dir.resolve("a.json"), "{\"name\": \"a\", \"objective\": \"o\"}");
        Files.writeString(dir.resolve("notes.txt"), "not a definition");
        var definitions = DefinitionFiles.read(List.of(dir.toString()), InputStream.nullInputStream());
        assertThat(definitions).extracting(DefinitionFiles.Definition::name).containsExactly("a", "b1", "b2");
        assertThat(definitions.get(2).source()).endsWith("b.yaml#2");
    }

    @Test
    void definitionsWithoutANameOrTwiceTheSameNameAreRefused() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), "objective: o\n");
        assertThatThrownBy(() -> DefinitionFiles.read(List.of(dir.resolve("a.yaml").toString()), InputStream.nullInputStream()))
                .isInstanceOfSatisfying(CliException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID);
                    assertThat(e.details()).containsExactly("name: is required");
                });
        Files.writeString(dir.resolve("a.yaml"), "name: x\nobjective: o\n---\nname: x\nobjective: p\n");
        assertThatThrownBy(() -> DefinitionFiles.read(List.of(dir.toString()), InputStream.nullInputStream()))
                .hasMessageContaining("task 'x' is defined twice");
    }

    @Test
    void aMissingFileIsAUsageErrorAndBrokenYamlIsInvalid() throws IOException {
        assertThatThrownBy(() -> DefinitionFiles.read(List.of(dir.resolve("nope.yaml").toString()), InputStream.nullInputStream()))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE));
        Files.writeString(dir.resolve("broken.yaml"), "name: [unclosed\n");
        assertThatThrownBy(() -> DefinitionFiles.read(List.of(dir.resolve("broken.yaml").toString()), InputStream.nullInputStream()))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID));
    }
}
