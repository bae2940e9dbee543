package io.wharf.events;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The Wharf events of one batch of Kafka records (one poll), decoded with {@link EventCodec}.
 *
 * <p>Guarantees: {@link #events()} keeps the order of the records (a partition's records in offset
 * order, so one repository's events stay in the order they were written) and holds each event id once,
 * at its first record (a record produced twice within the batch counts once). A record that is not a
 * Wharf event, or of a type this version does not know, is left out and listed in {@link #skipped()}:
 * it can never be processed, and it must not stop the records around it.
 */
public record EventBatch(List<WharfEvent<?>> events, List<Skipped> skipped) {

    public EventBatch {
        events = List.copyOf(events);
        skipped = List.copyOf(skipped);
    }

    /** Decodes the records, in their order. */
    public static EventBatch fromKafka(Iterable<? extends ConsumerRecord<?, byte[]>> records) {
        List<WharfEvent<?>> events = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<?, byte[]> record : records) {
            try {
                WharfEvent<?> event = EventCodec.fromKafka(record);
                if (ids.add(event.id())) {
                    events.add(event);
                }
            } catch (EventDecodingException e) {
                skipped.add(new Skipped(record.topic(), record.partition(), record.offset(), e.getMessage()));
            }
        }
        return new EventBatch(events, skipped);
    }

    /** A record left out, and why. */
    public record Skipped(String topic, int partition, long offset, String reason) {

        /** Where the record is: {@code topic-partition@offset}. */
        public String position() {
            return topic + "-" + partition + "@" + offset;
        }
    }
}
