package io.taskmesh.notification.subscription.rest;

import io.taskmesh.events.RunStatus;
import io.taskmesh.notification.channel.Channel;
import io.taskmesh.notification.channel.OutboundGuard;
import io.taskmesh.platform.problem.Problem.FieldError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A subscription as asked for: which run statuses ({@code events}) of which task (or every task), and the
 * channel: {@code webhook} (default) and {@code slack} post to {@code url}, {@code email} writes to {@code to}.
 */
public record NewSubscription(String task, List<String> events, String channel, String url, List<String> to) {

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
            errors.add(new FieldError("events", "name at least one run status, e.g. [\"SUCCEEDED\", \"FAILED\"]"));
        } else {
            for (int i = 0; i < events.size(); i++) {
                try {
                    RunStatus.valueOf(String.valueOf(events.get(i)));
                } catch (IllegalArgumentException e) {
                    errors.add(new FieldError("events[" + i + "]", "is not a run status; one of "
                            + Arrays.toString(RunStatus.values())));
                }
            }
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
}
