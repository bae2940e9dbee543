package io.wharf.events;

/**
 * The {@code data} of a Wharf event. Registry and pipeline shapes name the repository, tag and
 * manifest digest they are about, so a consumer never needs to call back to learn what happened;
 * {@link AuditEventData} concerns an action instead and names none of them (all three are null).
 */
public sealed interface EventData permits RegistryEventData, PipelineEventData, AuditEventData, StorageEventData {

    /** Full repository name, e.g. {@code acme/api}. Never null, except for {@link AuditEventData} (always null)
     *  and {@code gc.*} {@link StorageEventData} (null). */
    String repository();

    /** The tag concerned, or null when the event is about a digest only. */
    String tag();

    /** The manifest digest concerned ({@code sha256:<64 hex>}); see each record for when it may be null. */
    String digest();
}
