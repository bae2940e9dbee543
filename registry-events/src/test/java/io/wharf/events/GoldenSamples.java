package io.wharf.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The golden samples: one realistic structured-mode CloudEvents JSON document per
 * {@link EventType}, at {@code golden/<type-suffix>.json} on the classpath. Shipped in this
 * module's test-jar so that every producer and consumer tests against the same documents.
 *
 * <p>The samples tell one story: {@code alice} pushes the multi-platform index {@code acme/api:1.4.2}
 * and moves {@code latest} to it; the notifier and deployer events follow those registry events
 * (their {@code eventId}s are the ids of {@code artifact.pushed}, {@code tag.updated} and
 * {@code tag.created}).
 */
public final class GoldenSamples {

    private GoldenSamples() {
    }

    /** Classpath resource name of the sample of {@code type}. */
    public static String resource(EventType type) {
        return "golden/" + type.suffix() + ".json";
    }

    /** The sample of {@code type}, as stored. */
    public static String json(EventType type) {
        String name = resource(type);
        try (InputStream in = GoldenSamples.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("No golden sample " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sample of {@code type}, decoded. */
    public static WharfEvent<?> event(EventType type) {
        return EventCodec.fromStructuredJson(json(type));
    }
}
