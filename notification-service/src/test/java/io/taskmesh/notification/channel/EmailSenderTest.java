package io.taskmesh.notification.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EmailSenderTest {

    @Test
    void withoutAnSmtpServerEveryMailFailsSayingHowToConfigureOne() {
        EmailSender sender = new EmailSender(Optional.empty(), Duration.ofSeconds(1));
        assertThatThrownBy(() -> sender.send(new Outgoing("e1", "{}", Channel.EMAIL, null, List.of(),
                List.of("ops@example.org"))).await().indefinitely())
                .hasMessageContaining("no SMTP server is configured").hasMessageContaining("TASKMESH_SMTP_HOST");
    }

    @Test
    void whatANotifyStepSentIsTheSubjectAndTheSlackText() {
        RunSummary said = RunSummary.of("""
                {"type":"io.taskmesh.run.notification.v1","id":"n1","timestamp":"2026-11-22T10:15:30Z",
                 "data":{"runId":"0b7e2a6e-9f1c-4f4e-9a57-6f1b2d3c4e5f","task":"report","taskVersion":2,"attempt":1,
                         "step":"tell","message":"Total for <Lyon>: 42\\nsecond line","link":"http://x/api/v1/runs/0b7e2a6e"}}""");

        assertThat(EmailSender.subject(said)).isEqualTo("[Taskmesh] report: Total for <Lyon>: 42");
        String slack = SlackSender.message(said).toString();
        assertThat(slack).contains(":bell: report: Total for &lt;Lyon&gt;: 42").contains("step tell")
                .doesNotContain("SUCCEEDED");
    }
}
