package io.taskmesh.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskmesh.notification.subscription.Subscription;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SigningSecretsTest {

    @Test
    void theRotatedSecretSignsUntilItsGracePeriodEnds() {
        Instant now = Instant.parse("2026-05-01T12:00:00Z");
        Subscription s = new Subscription();
        s.secret = "whsec_new";
        assertThat(SigningSecrets.inForce(s, now)).containsExactly("whsec_new");
        s.previousSecret = "whsec_old";
        s.previousSecretExpiresAt = now.plusSeconds(60);
        assertThat(SigningSecrets.inForce(s, now)).containsExactly("whsec_new", "whsec_old");
        assertThat(SigningSecrets.inForce(s, now.plusSeconds(60))).containsExactly("whsec_new");
        s.secret = null;
        s.previousSecret = null;
        assertThat(SigningSecrets.inForce(s, now)).isEmpty();
    }
}
