package io.wharf.events;

/**
 * The {@code data} of a Wharf event. Every shape names the repository, tag and manifest
 * digest it is about, so a consumer never needs to call back to learn what happened.
 */
public sealed interface EventData permits RegistryEventData, PipelineEventData {

    /** Full repository name, e.g. {@code acme/api}. Never null. */
    String repository();

    /** The tag concerned, or null when the event is about a digest only. */
    String tag();

    /** The manifest digest concerned ({@code sha256:<64 hex>}); see each record for when it may be null. */
    String digest();
}
