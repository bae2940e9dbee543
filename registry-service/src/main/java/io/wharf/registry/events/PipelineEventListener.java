package io.wharf.registry.events;

import io.smallrye.mutiny.Uni;
import io.wharf.events.WharfEvent;

/**
 * Something else the registry learns from a pipeline event (e.g. the digests deployments run). Every
 * bean of this type is called for each pipeline event {@link PipelineEventConsumer} reads, before the
 * event is stored for the trace and its offset committed; it must be idempotent (a record may be
 * redelivered), and a failure is retried with the record.
 */
public interface PipelineEventListener {

    Uni<Void> received(WharfEvent<?> event);
}
