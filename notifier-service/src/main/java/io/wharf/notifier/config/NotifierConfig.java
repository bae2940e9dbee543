package io.wharf.notifier.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the notifier, under {@code wharf.notifier}. */
@ConfigMapping(prefix = "wharf.notifier")
public interface NotifierConfig {

    /** Where outbound notifications may go and how long they may take. */
    Outbound outbound();

    /** The delivery queue: retry schedule, dead-lettering, disabling. */
    Delivery delivery();

    /** Slack pacing. */
    Slack slack();

    /** Base URL of the registry as users reach it, for links in messages (e.g. {@code https://registry.acme.example}). */
    Optional<String> registryUrl();

    /**
     * Key (base64 of 32 bytes) that seals webhook signing secrets (current and previous) in the
     * database with AES-GCM. Set it from the environment ({@code WHARF_NOTIFIER_SECRETS_KEY}); changing
     * it makes stored secrets unreadable.
     */
    String secretsKey();

    interface Outbound {
        /** Allow targets that resolve to loopback, link-local, private or metadata addresses. Off by default (SSRF). */
        @WithDefault("false")
        boolean allowPrivate();

        /** Networks (CIDR, e.g. {@code 127.0.0.1/32}) allowed even though they are private. */
        Optional<List<String>> allowedNetworks();

        /** Time to establish a connection. */
        @WithDefault("5s")
        Duration connectTimeout();

        /** Time for the whole request, answer included. */
        @WithDefault("15s")
        Duration requestTimeout();

        /** How many bytes of a target's answer are kept in the delivery log; the rest is read and dropped. */
        @WithDefault("2048")
        int responseExcerptBytes();
    }

    interface Delivery {
        /** How often the queue is polled for due deliveries. */
        @WithDefault("1s")
        Duration pollInterval();

        /** Delay before the first retry; doubles with each further retry up to {@link #maxDelay()}. */
        @WithDefault("30s")
        Duration initialDelay();

        /** The longest wait between two attempts. */
        @WithDefault("4h")
        Duration maxDelay();

        /** Attempts before a delivery is dead-lettered (the defaults span about a day). */
        @WithDefault("12")
        int maxAttempts();

        /** Fraction of each delay that is random (0 = none, 0.5 = up to half of it removed). */
        @WithDefault("0.3")
        double jitter();

        /** A subscription whose deliveries have failed for this long without a success is disabled. */
        @WithDefault("3d")
        Duration disableAfter();

        /** How long an attempt may hold a delivery before another poller may take it over. */
        @WithDefault("2m")
        Duration lease();

        /** Subscriptions worked at the same time (a slow target holds up only its own deliveries). */
        @WithDefault("8")
        int concurrency();

        /** Subscriptions (and deliveries of each) handled per poll. */
        @WithDefault("100")
        int batchSize();

        /**
         * How often outcomes that did not reach Kafka (outage, crash) are published again; an
         * outcome is retried once it is this old.
         */
        @WithDefault("30s")
        Duration outcomeSweepInterval();

        /** How long a rotated-out webhook secret keeps signing alongside the new one. */
        @WithDefault("24h")
        Duration secretRotationOverlap();
    }

    interface Slack {
        /** Least time between two messages to one Slack webhook; events within it are summed up in one message. */
        @WithDefault("1s")
        Duration minInterval();
    }
}
