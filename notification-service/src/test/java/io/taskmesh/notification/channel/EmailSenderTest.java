package io.taskmesh.notification.channel;

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
}
