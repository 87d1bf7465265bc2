package io.taskmesh.cli.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskmesh.cli.CliException;
import io.taskmesh.cli.ExitCode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class InputsTest {

    @Test
    void valuesAreJsonWhenTheyParseAsJsonAndTextOtherwise() {
        assertThat(Inputs.value("21").isInt()).isTrue();
        assertThat(Inputs.value("2.5").isDouble()).isTrue();
        assertThat(Inputs.value("true").isBoolean()).isTrue();
        assertThat(Inputs.value("[1,2]").isArray()).isTrue();
        assertThat(Inputs.value("{\"a\":1}").path("a").asInt()).isEqualTo(1);
        assertThat(Inputs.value("\"21\"").asText()).isEqualTo("21");
        assertThat(Inputs.value("\"21\"").isTextual()).isTrue();
        assertThat(Inputs.value("hello world").asText()).isEqualTo("hello world");
        assertThat(Inputs.value("21abc").asText()).isEqualTo("21abc");
        assertThat(Inputs.value("007").asText()).isEqualTo("007");
        assertThat(Inputs.value("").asText()).isEmpty();
    }

    @Test
    void inputsGivenOneByOneWinOverTheFileKeyByKey() {
        var stdin = new ByteArrayInputStream("x: 50\ny: keep\n".getBytes(StandardCharsets.UTF_8));
        var inputs = Inputs.of("-", List.of("x=21", "z=a=b"), stdin);
        assertThat(inputs.toString()).isEqualTo("{\"x\":21,\"y\":\"keep\",\"z\":\"a=b\"}");
    }

    @Test
    void anInputWithoutAnEqualsSignIsAUsageError() {
        assertThatThrownBy(() -> Inputs.of(null, List.of("x"), InputStream.nullInputStream()))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE));
        assertThatThrownBy(() -> Inputs.of("-", List.of(), new ByteArrayInputStream("[1]".getBytes())))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID));
    }
}
