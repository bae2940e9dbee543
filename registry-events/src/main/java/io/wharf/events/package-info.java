/**
 * Wharf's event contract: the only place event shapes are defined.
 *
 * <p>Every event is a CloudEvents 1.0 event ({@link io.wharf.events.WharfEvent}) whose
 * {@code type} is one of {@link io.wharf.events.EventType} and whose {@code data} is JSON
 * ({@code datacontenttype=application/json}) shaped by one of the records
 * {@link io.wharf.events.RegistryEventData}, {@link io.wharf.events.NotificationEventData},
 * {@link io.wharf.events.DeploymentEventData} or {@link io.wharf.events.AuditEventData}. {@link io.wharf.events.EventCodec} turns
 * events into bytes and back: Kafka binary mode ({@code ce_*} headers), structured JSON and
 * SDK {@link io.cloudevents.CloudEvent} objects. {@link io.wharf.events.Topics} names the topics.
 *
 * <p>Evolution rules: changes are additive only (new optional fields, new types); a breaking
 * change is a new type name. Readers ignore unknown data fields and unknown CloudEvents
 * extensions; writers omit null fields. Golden samples of every type live in this module's
 * test resources ({@code golden/<type-suffix>.json}) and are read by every consumer's tests.
 */
package io.wharf.events;
