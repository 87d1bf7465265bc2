package io.taskmesh.platform.expression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.primitives.UnsignedLong;
import com.google.protobuf.ByteString;
import com.google.protobuf.NullValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Between JSON and the values CEL computes with: integers are int64, numbers with a fraction double. */
final class JsonValues {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private JsonValues() {
    }

    static Object toCel(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                node.properties().forEach(e -> map.put(e.getKey(), toCel(e.getValue())));
                yield map;
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>(node.size());
                node.forEach(item -> list.add(toCel(item)));
                yield list;
            }
            case STRING -> node.textValue();
            case BOOLEAN -> node.booleanValue();
            case NUMBER -> node.isIntegralNumber() && node.canConvertToLong() ? (Object) node.longValue()
                    : (Object) node.doubleValue();
            case NULL, MISSING -> NullValue.NULL_VALUE;
            default -> node.toString();
        };
    }

    static JsonNode fromCel(Object value) {
        if (value == null || value instanceof NullValue) {
            return JSON.nullNode();
        }
        if (value instanceof JsonNode node) {
            return node;
        }
        if (value instanceof Boolean b) {
            return JSON.booleanNode(b);
        }
        if (value instanceof Long l) {
            // as Jackson reads JSON: small integers are ints, so results compare equal to parsed JSON
            return l == l.intValue() ? JSON.numberNode(l.intValue()) : JSON.numberNode(l);
        }
        if (value instanceof Integer i) {
            return JSON.numberNode(i.longValue());
        }
        if (value instanceof Double d) {
            return JSON.numberNode(d);
        }
        if (value instanceof UnsignedLong u) {
            return JSON.numberNode(u.bigIntegerValue());
        }
        if (value instanceof String s) {
            return JSON.textNode(s);
        }
        if (value instanceof ByteString bytes) {
            return JSON.binaryNode(bytes.toByteArray());
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = JSON.objectNode();
            map.forEach((k, v) -> object.set(String.valueOf(k), fromCel(v)));
            return object;
        }
        if (value instanceof Iterable<?> items) {
            ArrayNode array = JSON.arrayNode();
            items.forEach(item -> array.add(fromCel(item)));
            return array;
        }
        return JSON.textNode(value.toString());
    }
}
