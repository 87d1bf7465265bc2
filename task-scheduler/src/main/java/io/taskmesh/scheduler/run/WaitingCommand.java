package io.taskmesh.scheduler.run;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A run command from Kafka that came before its task's definition, waiting for it (V13__waiting_run_commands.sql). */
@Entity
@Table(name = "waiting_command")
public class WaitingCommand {

    /** The run the command creates: a command sent again waits once. */
    @Id
    @Column(name = "run_id")
    public UUID runId;

    @Column(nullable = false)
    public String tenant;

    @Column(nullable = false)
    public String task;

    /** The command's CloudEvent id. */
    @Column(name = "event_id", nullable = false)
    public String eventId;

    /** The command's data, as read. */
    @Column(nullable = false, columnDefinition = "text")
    public String command;

    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;

    @Column(name = "give_up_at", nullable = false)
    public Instant giveUpAt;
}
