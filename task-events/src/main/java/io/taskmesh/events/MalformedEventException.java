package io.taskmesh.events;

/** An event that no retry can make valid: it belongs on the topic's dead-letter queue. */
public class MalformedEventException extends RuntimeException {

    public MalformedEventException(String message) {
        super(message);
    }

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
