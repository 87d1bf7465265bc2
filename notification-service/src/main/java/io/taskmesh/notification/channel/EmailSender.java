package io.taskmesh.notification.channel;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.MailTemplate.MailTemplateInstance;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Mails the run summary (plain text and HTML) through the SMTP server of {@code TASKMESH_SMTP_HOST}. With
 * none configured, every email delivery fails saying so, and the history shows it.
 */
@ApplicationScoped
public class EmailSender implements ChannelSender {

    private static final Logger LOG = Logger.getLogger(EmailSender.class);
    static final String NOT_CONFIGURED = "no SMTP server is configured: start notification-service with "
            + "TASKMESH_SMTP_HOST (and TASKMESH_SMTP_PORT, TASKMESH_SMTP_FROM) set";

    @CheckedTemplate
    static class Templates {
        /** {@code templates/EmailSender/runMail.txt} and {@code .html}: both parts of one mail. */
        static native MailTemplateInstance runMail(RunSummary run);
    }

    private final Optional<String> smtpHost;
    private final Duration timeout;

    public EmailSender(@ConfigProperty(name = "taskmesh.smtp.host") Optional<String> smtpHost,
            @ConfigProperty(name = "taskmesh.delivery.timeout") Duration timeout) {
        this.smtpHost = smtpHost.filter(h -> !h.isBlank());
        this.timeout = timeout;
    }

    void announce(@Observes StartupEvent started) {
        if (smtpHost.isEmpty()) {
            LOG.warn("email subscriptions will not be delivered: " + NOT_CONFIGURED);
        }
    }

    @Override
    public Channel channel() {
        return Channel.EMAIL;
    }

    @Override
    public Uni<Sent> send(Outgoing message) {
        if (smtpHost.isEmpty()) {
            return Uni.createFrom().failure(new IllegalStateException(NOT_CONFIGURED));
        }
        RunSummary run = RunSummary.of(message.payload());
        long started = System.nanoTime();
        return Templates.runMail(run)
                .mail(new Mail().addHeader("X-Taskmesh-Event-Id", message.eventId()))
                .to(message.recipients().toArray(String[]::new))
                .subject(subject(run))
                .send()
                .ifNoItem().after(timeout).failWith(() -> new TimeoutException(
                        "the SMTP server did not accept the mail within " + timeout.toMillis() + " ms"))
                .map(ignored -> new Sent(null, (System.nanoTime() - started) / 1_000_000));
    }

    static String subject(RunSummary run) {
        if (run.message() != null) {
            String line = run.message().strip().lines().findFirst().orElse("");
            return "[Taskmesh] " + run.task() + ": " + (line.length() > 100 ? line.substring(0, 100) + "…" : line);
        }
        return "[Taskmesh] " + run.task() + ": " + run.status() + " (run " + run.shortRunId() + ")";
    }
}
