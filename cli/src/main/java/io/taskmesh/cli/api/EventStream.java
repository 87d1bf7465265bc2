package io.taskmesh.cli.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Server-Sent Events stream read on a daemon thread. Events are parsed as the SSE specification says
 * (fields {@code event}, {@code id}, {@code data}; comments ignored; a blank line ends an event).
 */
public final class EventStream implements AutoCloseable {

    /** One event: its name ({@code event:}), id and data (the {@code data:} lines joined by newlines). */
    public record Event(String name, String id, String data) {
    }

    public interface Listener {
        /** The server answered 200 and the stream is open. */
        default void onOpen() {
        }

        void onEvent(Event event);

        /** The stream could not be opened or ended; {@code reason} says why (null when closed on purpose). */
        default void onEnd(String reason) {
        }
    }

    private final AtomicReference<InputStream> body = new AtomicReference<>();
    private volatile boolean closed;
    private Thread reader;

    private EventStream() {
    }

    static EventStream open(HttpClient http, HttpRequest request, Listener listener) {
        EventStream stream = new EventStream();
        stream.reader = Thread.ofPlatform().daemon().name("taskmesh-sse").start(() -> stream.read(http, request, listener));
        return stream;
    }

    private void read(HttpClient http, HttpRequest request, Listener listener) {
        String reason = null;
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            body.set(response.body());
            if (closed) {
                response.body().close();
                return;
            }
            if (response.statusCode() != 200) {
                response.body().close();
                reason = "the stream answered " + response.statusCode();
                return;
            }
            listener.onOpen();
            parse(response.body(), listener);
            reason = "the stream ended";
        } catch (IOException e) {
            reason = "the stream failed: " + e.getMessage();
        } catch (InterruptedException e) {
            reason = "interrupted";
        } finally {
            listener.onEnd(closed ? null : reason);
        }
    }

    static void parse(InputStream in, Listener listener) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String name = null;
        String id = null;
        StringBuilder data = null;
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    listener.onEvent(new Event(name == null ? "message" : name, id, data.toString()));
                }
                name = null;
                data = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> name = value;
                case "id" -> id = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> {
                    // retry and unknown fields do not matter here
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        InputStream in = body.get();
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing is all we wanted
            }
        }
        reader.interrupt();
    }
}
