package io.taskmesh.notification.channel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.mutiny.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Posts the run summary to a Slack incoming webhook (or any service that takes the same messages:
 * Mattermost, Rocket.Chat) as {@code text} for notifications and {@code blocks} in mrkdwn for the channel.
 * What comes from the run is escaped, so a result cannot mention {@code @channel} or forge links.
 */
@ApplicationScoped
public class SlackSender implements ChannelSender {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final OutboundHttp http;

    public SlackSender(OutboundHttp http) {
        this.http = http;
    }

    @Override
    public Channel channel() {
        return Channel.SLACK;
    }

    @Override
    public Uni<Sent> send(Outgoing message) {
        String body = message(RunSummary.of(message.payload())).toString();
        return http.post(message.url(),
                request -> request.putHeader(HttpHeaders.CONTENT_TYPE.toString(), "application/json"),
                Buffer.buffer(body));
    }

    static ObjectNode message(RunSummary run) {
        if (run.message() != null) {
            return said(run);
        }
        String emoji = emoji(run.status());
        String task = escape(run.task());
        String runLink = "<" + run.link() + "|" + run.shortRunId() + ">";
        ObjectNode message = JSON.objectNode();
        message.put("text", emoji + " " + task + ": " + run.status() + " (run " + run.shortRunId() + ")");
        ArrayNode blocks = message.putArray("blocks");
        blocks.add(section(emoji + " *" + task + "* " + words(run.status()) + " — run " + runLink));
        ObjectNode facts = blocks.addObject().put("type", "section");
        ArrayNode fields = facts.putArray("fields");
        fields.add(mrkdwn("*Task*\n" + task + " (version " + run.taskVersion() + ")"));
        fields.add(mrkdwn("*Status*\n" + emoji + " " + run.status()));
        fields.add(mrkdwn("*Run*\n" + runLink));
        fields.add(mrkdwn("*Attempt*\n" + run.attempt()));
        if (run.result() != null) {
            blocks.add(section("*Result*\n```" + escape(run.result()).replace("```", "'''") + "```"));
        }
        if (run.errorCode() != null || run.errorMessage() != null) {
            blocks.add(section("*Error* `" + escape(String.valueOf(run.errorCode())) + "`: "
                    + escape(run.errorMessage() == null ? "" : run.errorMessage())));
        }
        blocks.addObject().put("type", "context").putArray("elements")
                .add(mrkdwn("Taskmesh · " + escape(run.at()) + " · <" + run.link() + "|open the run>"));
        return message;
    }

    /** What a {@code notify} step sent: its message, and where it comes from. */
    private static ObjectNode said(RunSummary run) {
        String runLink = "<" + run.link() + "|" + run.shortRunId() + ">";
        ObjectNode message = JSON.objectNode();
        message.put("text", ":bell: " + escape(run.task()) + ": " + escape(run.message()));
        ArrayNode blocks = message.putArray("blocks");
        blocks.add(section(":bell: " + escape(run.message())));
        blocks.addObject().put("type", "context").putArray("elements")
                .add(mrkdwn("Taskmesh · task *" + escape(run.task()) + "* · step " + escape(String.valueOf(run.step()))
                        + " · run " + runLink + " · " + escape(run.at())));
        return message;
    }

    private static ObjectNode section(String text) {
        ObjectNode section = JSON.objectNode().put("type", "section");
        section.set("text", mrkdwn(text));
        return section;
    }

    private static ObjectNode mrkdwn(String text) {
        return JSON.objectNode().put("type", "mrkdwn").put("text", text);
    }

    /** Slack's three control characters; everything else is shown as written. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String emoji(String status) {
        return switch (status) {
            case "SUCCEEDED", "VALIDATED" -> ":white_check_mark:";
            case "FAILED" -> ":x:";
            case "TIMED_OUT" -> ":hourglass:";
            case "CANCELLED", "SKIPPED" -> ":no_entry_sign:";
            case "AWAITING_VALIDATION", "AWAITING_INPUT" -> ":raising_hand:";
            case "REVISE" -> ":leftwards_arrow_with_hook:";
            case "RUNNING" -> ":arrow_forward:";
            default -> ":hourglass_flowing_sand:";
        };
    }

    private static String words(String status) {
        return switch (status) {
            case "AWAITING_VALIDATION" -> "waits for validation";
            case "AWAITING_INPUT" -> "waits for an answer";
            case "TIMED_OUT" -> "timed out";
            case "REVISE" -> "goes back for revision";
            default -> status.toLowerCase(java.util.Locale.ROOT);
        };
    }
}
