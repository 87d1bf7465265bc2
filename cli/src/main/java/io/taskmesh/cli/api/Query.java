package io.taskmesh.cli.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Query parameters; those without a value are left out. */
public final class Query {

    private final List<String> pairs = new ArrayList<>();

    public static Query of() {
        return new Query();
    }

    public Query add(String name, Object value) {
        if (value != null) {
            pairs.add(encode(name) + "=" + encode(value.toString()));
        }
        return this;
    }

    public Query addAll(String name, Collection<?> values) {
        if (values != null) {
            values.forEach(v -> add(name, v));
        }
        return this;
    }

    public String toString() {
        return pairs.isEmpty() ? "" : "?" + String.join("&", pairs);
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
