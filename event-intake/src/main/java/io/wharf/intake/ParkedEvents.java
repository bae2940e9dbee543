package io.wharf.intake;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.wharf.events.EventCodec;
import io.wharf.events.EventDecodingException;
import io.wharf.events.WharfEvent;

/**
 * The events the intake set aside: parking one (a row in {@code parked_event}, one per event id), listing
 * them, and replaying one through the intake. A replay takes the event in and marks the row replayed in
 * one transaction, so the event is taken in once (its id lands in {@code received_event}) and a second
 * replay, or the record's redelivery, finds it taken.
 */
@ApplicationScoped
public class ParkedEvents {

    /** The largest page the API hands out. */
    public static final int MAX_PAGE = 200;

    private final ParkedEventRepository parked;
    private final EventIntake intake;

    public ParkedEvents(ParkedEventRepository parked, EventIntake intake) {
        this.parked = parked;
        this.intake = intake;
    }

    /**
     * Parks the event in its own transaction (a row, or the existing row of its id counted again); returns
     * the row's id.
     */
    Uni<Long> park(WharfEvent<?> event, ConsumerRecord<String, byte[]> record, int attempts, FailureText failure) {
        return Panache.withTransaction(() -> parked.ofEvent(event.id()).chain(existing -> {
            OffsetDateTime now = OffsetDateTime.now();
            ParkedEvent row = existing != null ? existing : new ParkedEvent();
            if (existing == null) {
                row.eventId = event.id();
                row.firstFailedAt = now;
                row.attempts = 0;
            }
            row.type = event.type().cloudEventType();
            row.repository = event.data().repository();
            row.eventJson = new String(EventCodec.toStructuredJson(event), StandardCharsets.UTF_8);
            row.recordTopic = record.topic();
            row.recordPartition = record.partition();
            row.recordOffset = record.offset();
            row.recordKey = record.key();
            row.recordHeaders = headers(record);
            row.recordValue = record.value();
            row.errorClass = failure.errorClass();
            row.errorMessage = failure.message();
            row.attempts += attempts;
            row.lastFailedAt = now;
            row.state = ParkedEvent.PARKED;
            row.replayedAt = null;
            return existing != null ? Uni.createFrom().item(row) : parked.persist(row);
        })).map(row -> row.id);
    }

    private static String headers(ConsumerRecord<String, byte[]> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
        }
        try {
            return EventCodec.objectMapper().writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("headers of " + record.topic() + "-" + record.partition() + "@" + record.offset(), e);
        }
    }

    /**
     * Up to {@code limit} (1 to {@value #MAX_PAGE}) parked events, newest first, in {@code state} if not
     * null, below id {@code before} if not null.
     */
    public Uni<List<ParkedEventView>> page(String state, Long before, int limit) {
        return Panache.withSession(() -> parked.page(state, before, limit))
                .map(rows -> rows.stream().map(ParkedEventView::of).toList());
    }

    /**
     * Takes the parked event in again and marks it replayed, in one transaction (the intake's own, so the
     * handler's follow-up runs after its commit), which first locks the row and checks it is still parked.
     * An event taken in meanwhile (its record delivered again) is only marked.
     *
     * @throws ParkedEventException (as the Uni's failure) {@code NOT_FOUND}, {@code NOT_PARKED} (replayed
     *         already), or {@code REPLAY_FAILED}: the intake failed again, which the row counts
     */
    public Uni<ParkedEventView> replay(long id) {
        return Panache.withSession(() -> parked.findById(id))
                .onItem().ifNull().failWith(() -> new ParkedEventException(ParkedEventException.Kind.NOT_FOUND, "no parked event " + id))
                .chain(row -> {
                    WharfEvent<?> event;
                    try {
                        event = EventCodec.fromStructuredJson(row.eventJson);
                    } catch (EventDecodingException e) {
                        return Uni.createFrom().<List<WharfEvent<?>>>failure(e);
                    }
                    return intake.take(List.of(event), () -> stillParked(id), fresh -> parked.replayed(id));
                })
                .chain(() -> Panache.withSession(() -> parked.findById(id)))
                .map(ParkedEventView::of)
                .onFailure(failure -> !(failure instanceof ParkedEventException)).recoverWithUni(failure -> {
                    FailureText text = FailureText.of(failure);
                    return Panache.withTransaction(() -> parked.failedAgain(id, text))
                            .onFailure().recoverWithNull()
                            .chain(() -> Uni.createFrom().<ParkedEventView>failure(new ParkedEventException(
                                    ParkedEventException.Kind.REPLAY_FAILED, "parked event " + id + " could not be taken in: " + text)));
                });
    }

    /** Locks the row (a concurrent replay waits here) and fails unless it is still parked. */
    private Uni<Void> stillParked(long id) {
        return parked.findById(id, LockModeType.PESSIMISTIC_WRITE).chain(row -> row != null && ParkedEvent.PARKED.equals(row.state)
                ? Uni.createFrom().voidItem()
                : Uni.createFrom().<Void>failure(new ParkedEventException(ParkedEventException.Kind.NOT_PARKED,
                        "parked event " + id + " was replayed" + (row == null || row.replayedAt == null ? "" : " at " + row.replayedAt))));
    }
}
