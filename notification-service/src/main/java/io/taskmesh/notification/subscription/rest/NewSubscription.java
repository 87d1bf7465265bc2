package io.taskmesh.notification.subscription.rest;

import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunStatus;
import io.taskmesh.notification.channel.Channel;
import io.taskmesh.notification.channel.OutboundGuard;
import io.taskmesh.platform.problem.Problem.FieldError;
import io.taskmesh.notification.subscription.Subscription;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A subscription as asked for: which events ({@code events}: run statuses, {@code DELIVERABLE} for the results of
 * a task marked {@code isDeliverable}, {@code TASK_DEACTIVATED}, {@code RUN_LATE}, {@code NOTIFY} for what its runs'
 * {@code notify} steps send) of which tasks (one by name, those whose labels
 * hold every pair of {@code labels}, or every task), and the channel: {@code webhook} (default) and {@code slack}
 * post to {@code url}, {@code email} writes to {@code to}. A task's definition asks for the same in its
 * {@code notifications} (without {@code task} and {@code labels}: they are its own).
 */
public record NewSubscription(String task, Map<String, String> labels, List<String> events, String channel, String url,
        List<String> to) {

    /** Events that are not run statuses. */
    public static final String DELIVERABLE = "DELIVERABLE";
    public static final String TASK_DEACTIVATED = "TASK_DEACTIVATED";
    public static final String RUN_LATE = "RUN_LATE";
    /** What a run's {@code notify} step sends. */
    public static final String NOTIFY = "NOTIFY";
    static final int MAX_LABELS = 20;

    /** Every event a subscription may name. */
    public static List<String> eventKinds() {
        List<String> kinds = new ArrayList<>(Arrays.stream(RunStatus.values()).map(Enum::name).toList());
        kinds.add(DELIVERABLE);
        kinds.add(TASK_DEACTIVATED);
        kinds.add(RUN_LATE);
        kinds.add(NOTIFY);
        return kinds;
    }

    /** The HTML standard's "valid e-mail address", with a dot required in the domain. */
    private static final Pattern EMAIL = Pattern.compile("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9]"
            + "(?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$");
    static final int MAX_RECIPIENTS = 20;

    public Channel channelOrDefault() {
        return channel == null ? Channel.WEBHOOK : Channel.of(channel);
    }

    /** Every problem with the request, each naming its field; empty when it is valid. */
    public List<FieldError> validate() {
        List<FieldError> errors = new ArrayList<>();
        if (events == null || events.isEmpty()) {
            errors.add(new FieldError("events", "name at least one event, e.g. [\"SUCCEEDED\", \"FAILED\"]"));
        } else {
            for (int i = 0; i < events.size(); i++) {
                if (!eventKinds().contains(String.valueOf(events.get(i)))) {
                    errors.add(new FieldError("events[" + i + "]", "is not an event; one of " + eventKinds()));
                }
            }
        }
        if (labels != null) {
            if (labels.isEmpty() || labels.size() > MAX_LABELS) {
                errors.add(new FieldError("labels", "name 1 to " + MAX_LABELS + " labels, e.g. {\"team\": \"billing\"}"));
            }
            labels.forEach((key, value) -> {
                if (key == null || key.isBlank() || key.length() > 63 || value == null || value.length() > 63) {
                    errors.add(new FieldError("labels." + key, "a label is a name and a value of at most 63 characters"));
                }
            });
        }
        Channel kind = channelOrDefault();
        if (kind == null) {
            errors.add(new FieldError("channel", "is not a channel; one of " + Channel.ids()));
        }
        if (kind == null || kind.hasUrl()) {
            if (url == null && kind != null) {
                errors.add(new FieldError("url", "is required for a " + kind.id() + " subscription"));
            } else if (url != null) {
                String form = OutboundGuard.formError(url);
                if (form != null) {
                    errors.add(new FieldError("url", form));
                }
            }
            if (to != null && kind != null) {
                errors.add(new FieldError("to", "only an email subscription has recipients"));
            }
        } else {
            if (url != null) {
                errors.add(new FieldError("url", "an email subscription has no url; name the recipients in 'to'"));
            }
            if (to == null || to.isEmpty()) {
                errors.add(new FieldError("to", "name at least one email address"));
            } else if (to.size() > MAX_RECIPIENTS) {
                errors.add(new FieldError("to", "at most " + MAX_RECIPIENTS + " recipients"));
            } else {
                for (int i = 0; i < to.size(); i++) {
                    if (to.get(i) == null || to.get(i).length() > 254 || !EMAIL.matcher(to.get(i)).matches()) {
                        errors.add(new FieldError("to[" + i + "]", "is not an email address"));
                    }
                }
            }
        }
        return errors;
    }

    /** The subscription this asks for, of {@code tenant}, by {@code user}; webhooks get a new signing secret. */
    public Subscription toSubscription(UUID id, String tenant, String user, String secret) {
        Subscription s = new Subscription();
        s.id = id;
        s.tenant = tenant;
        s.taskName = task;
        s.labels = labels == null ? null : EventJson.write(labels);
        s.statuses = String.join(",", events);
        Channel kind = channelOrDefault();
        s.channel = kind.id();
        s.url = url;
        s.recipients = to == null ? null : String.join(",", to);
        s.secret = kind == Channel.WEBHOOK ? secret : null;
        s.createdAt = Instant.now();
        s.createdBy = user;
        return s;
    }
}
