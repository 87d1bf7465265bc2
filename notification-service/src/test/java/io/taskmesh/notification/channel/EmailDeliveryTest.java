package io.taskmesh.notification.channel;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;

import com.icegreen.greenmail.util.GreenMail;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunStatus;
import io.taskmesh.events.Topics;
import io.taskmesh.notification.channel.GreenMailResource.InjectGreenMail;
import io.taskmesh.testing.KafkaProbe;
import io.taskmesh.testing.Tokens;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = GreenMailResource.class, scope = TestResourceScope.GLOBAL)
class EmailDeliveryTest {

    @InjectGreenMail
    GreenMail greenMail;

    private static String subscribe(String task, String events, String... to) {
        String recipients = String.join("\",\"", to);
        return given().auth().oauth2(Tokens.of("alice")).contentType(ContentType.JSON)
                .body("{\"task\":\"%s\",\"events\":[%s],\"channel\":\"email\",\"to\":[\"%s\"]}"
                        .formatted(task, events, recipients))
                .post("/api/v1/subscriptions").then().statusCode(201)
                .body("channel", equalTo("email")).body("secret", nullValue()).body("url", nullValue())
                .extract().path("id");
    }

    private static void publish(RunEvent event) {
        KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, event.runId(), UUID.randomUUID().toString(),
                event.status().eventType(), event.runId(), EventJson.write(event));
    }

    private List<MimeMessage> mailsAbout(String task, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> received(task).size() >= count);
        return received(task);
    }

    private List<MimeMessage> received(String task) {
        return Arrays.stream(greenMail.getReceivedMessages()).filter(m -> {
            try {
                return m.getSubject().contains(task);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    /** The text/plain and text/html parts of a mail, by type. */
    private static Map<String, String> parts(MimeMessage mail) throws Exception {
        Map<String, String> parts = new java.util.HashMap<>();
        collect(mail.getContent(), mail.getContentType(), parts);
        return parts;
    }

    private static void collect(Object content, String type, Map<String, String> parts) throws Exception {
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart part = multipart.getBodyPart(i);
                collect(part.getContent(), part.getContentType(), parts);
            }
        } else if (content instanceof String text) {
            parts.put(type.toLowerCase().startsWith("text/html") ? "html" : "text", text);
        }
    }

    @Test
    void aFinishedRunIsMailedToEachRecipientWithItsSummaryInTextAndHtml() throws Exception {
        String task = "mail-" + UUID.randomUUID();
        String id = subscribe(task, "\"SUCCEEDED\"", "ops@example.org", "lead@example.org");
        String runId = UUID.randomUUID().toString();
        publish(new RunEvent("acme", runId, task, 2, RunStatus.RUNNING, 2, 1, null, null, Instant.now()));
        publish(new RunEvent("acme", runId, task, 2, RunStatus.SUCCEEDED, 3, 1,
                EventJson.readTree("{\"title\":\"<b>Dune</b> & more\"}"), null, Instant.now()));

        List<MimeMessage> mails = mailsAbout(task, 2);
        assertThat(mails.stream().map(m -> {
            try {
                return m.getRecipients(Message.RecipientType.TO)[0].toString();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })).contains("ops@example.org");
        MimeMessage mail = mails.getFirst();
        assertThat(mail.getSubject()).isEqualTo("[Taskmesh] " + task + ": SUCCEEDED (run " + runId.substring(0, 8) + ")");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("taskmesh@example.org");
        Map<String, String> parts = parts(mail);
        assertThat(parts.get("text"))
                .contains("Run " + runId + " of task " + task + " (version 2) is SUCCEEDED")
                .contains("\"title\" : \"<b>Dune</b> & more\"")
                .contains("http://127.0.0.1:8080/api/v1/runs/" + runId);
        assertThat(parts.get("html"))
                .contains("<a href=\"http://127.0.0.1:8080/api/v1/runs/" + runId + "\">")
                .contains("&lt;b&gt;Dune&lt;/b&gt; &amp; more")
                .doesNotContain("<b>Dune</b>");
        Thread.sleep(500);
        assertThat(received(task)).as("RUNNING is not subscribed to").hasSize(2);

        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                given().auth().oauth2(Tokens.of("alice")).get("/api/v1/subscriptions/" + id + "/deliveries")
                        .then().body("size()", equalTo(1)).body("[0].status", equalTo("DELIVERED"))
                        .body("[0].responseCode", nullValue()));
    }

    @Test
    void aFailedRunsMailCarriesTheError() throws Exception {
        String task = "mail-" + UUID.randomUUID();
        subscribe(task, "\"FAILED\",\"TIMED_OUT\"", "ops@example.org");
        String runId = UUID.randomUUID().toString();
        publish(new RunEvent("acme", runId, task, 1, RunStatus.FAILED, 3, 2, null,
                new RunEvent.RunError("http-status", "the step got HTTP 502"), Instant.now()));

        MimeMessage mail = mailsAbout(task, 1).getFirst();
        assertThat(mail.getSubject()).contains(": FAILED");
        assertThat(parts(mail).get("text")).contains("Error http-status: the step got HTTP 502").contains("attempt 2")
                .doesNotContain("Result:");
        assertThat(parts(mail).get("html")).contains("<code>http-status</code>: the step got HTTP 502");
    }

    @Test
    void badRecipientsAreRefusedNamingTheField() {
        given().auth().oauth2(Tokens.of("alice")).contentType(ContentType.JSON)
                .body("{\"events\":[\"FAILED\"],\"channel\":\"email\",\"to\":[\"ops@example.org\",\"not an address\"],"
                        + "\"url\":\"https://example.org\"}")
                .post("/api/v1/subscriptions").then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", hasItems("to[1]", "url"));
        given().auth().oauth2(Tokens.of("alice")).contentType(ContentType.JSON)
                .body("{\"events\":[\"FAILED\"],\"channel\":\"email\"}")
                .post("/api/v1/subscriptions").then().statusCode(422).body("errors.field", hasItems("to"));
        given().auth().oauth2(Tokens.of("alice")).contentType(ContentType.JSON)
                .body("{\"events\":[\"FAILED\"],\"url\":\"https://example.org/hook\",\"to\":[\"ops@example.org\"]}")
                .post("/api/v1/subscriptions").then().statusCode(422).body("errors.field", hasItems("to"));
    }

    @Test
    void aReaderCannotSubscribe() {
        given().auth().oauth2(Tokens.of("vera")).contentType(ContentType.JSON)
                .body("{\"events\":[\"FAILED\"],\"channel\":\"email\",\"to\":[\"vera@example.org\"]}")
                .post("/api/v1/subscriptions").then().statusCode(403);
    }
}
