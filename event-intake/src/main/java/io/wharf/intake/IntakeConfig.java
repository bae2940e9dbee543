package io.wharf.intake;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Settings of the intake, under {@code wharf.intake}: each service names itself and may tune the
 * retry schedule and the stall check. The whole time a failing batch is retried and isolated stays well
 * below the Kafka connector's {@code throttled.unprocessed-record-max-age.ms} (60 s by default), beyond
 * which the connector would stop the channel.
 */
@ConfigMapping(prefix = "wharf.intake")
public interface IntakeConfig {

    /**
     * The service's short name ({@code notifier}, {@code deployer}): its dead letters go to
     * {@code wharf.<service-name>.intake-dlq}. Lower-case letters, digits and dashes.
     */
    String serviceName();

    /** How a batch whose intake fails is retried before its events are taken in one at a time. */
    Retry retry();

    /**
     * How long the intake may go without taking in anything while records wait on its partitions
     * before its liveness check says DOWN (so Kubernetes restarts the service).
     */
    @WithDefault("2m")
    Duration stallAfter();

    /** How often the records waiting on the consumer's partitions (its lag) are counted. */
    @WithDefault("5s")
    Duration lagInterval();

    interface Retry {
        /**
         * Attempts at a batch (the first included) before its events are taken in one at a time; also
         * the attempts at writing a parked event. At least 1.
         */
        @WithDefault("4")
        int maxAttempts();

        /** Pause before the first retry; doubled before each next one, up to {@link #maxBackoff()}. */
        @WithDefault("0.5s")
        Duration initialBackoff();

        /** The longest pause between two attempts. */
        @WithDefault("8s")
        Duration maxBackoff();
    }
}
