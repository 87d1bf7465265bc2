package io.taskmesh.api.task;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Whether a task takes new runs: only {@code active} ones do; {@code archived} ones are read-only. */
public enum TaskState {
    ACTIVE, INACTIVE, ARCHIVED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
