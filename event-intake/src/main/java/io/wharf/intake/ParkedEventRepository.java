package io.wharf.intake;

import java.time.OffsetDateTime;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** The {@code parked_event} table; every method runs in the caller's session. */
@ApplicationScoped
public class ParkedEventRepository implements PanacheRepositoryBase<ParkedEvent, Long> {

    /** The parked row of an event id, or null. */
    Uni<ParkedEvent> ofEvent(String eventId) {
        return find("eventId", eventId).firstResult();
    }

    /** Up to {@code limit} rows, newest first; {@code state} and {@code before} (an id) narrow it when not null. */
    Uni<List<ParkedEvent>> page(String state, Long before, int limit) {
        StringBuilder query = new StringBuilder("1 = 1");
        Parameters parameters = new Parameters();
        if (state != null) {
            query.append(" and state = :state");
            parameters.and("state", state);
        }
        if (before != null) {
            query.append(" and id < :before");
            parameters.and("before", before);
        }
        return find(query.toString(), Sort.descending("id"), parameters).page(Page.ofSize(limit)).list();
    }

    /** Marks the row replayed, now. */
    Uni<Void> replayed(long id) {
        return update("state = :state, replayedAt = :now where id = :id",
                Parameters.with("state", ParkedEvent.REPLAYED).and("now", OffsetDateTime.now()).and("id", id)).replaceWithVoid();
    }

    /** Counts a failed replay on the row. */
    Uni<Integer> failedAgain(long id, FailureText failure) {
        return update("attempts = attempts + 1, lastFailedAt = :now, errorClass = :errorClass, errorMessage = :message where id = :id",
                Parameters.with("now", OffsetDateTime.now()).and("errorClass", failure.errorClass())
                        .and("message", failure.message()).and("id", id));
    }
}
