package io.wharf.notifier.delivery;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;


/** A delivery in the log; {@code attemptLog} is filled when one delivery is asked for. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeliveryView(
        UUID id,
        String eventId,
        UUID subscriptionId,
        String eventType,
        String repository,
        String tag,
        String digest,
        boolean test,
        Delivery.State state,
        int attempts,
        OffsetDateTime nextAttemptAt,
        Integer lastStatusCode,
        String lastError,
        OffsetDateTime createdAt,
        OffsetDateTime completedAt,
        List<AttemptView> attemptLog) {

    /** One attempt: when, the answer's status, how long it took, and the start of the answer. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AttemptView(int attempt, OffsetDateTime at, Integer statusCode, long latencyMs, String error,
            String responseExcerpt) {
        static AttemptView of(DeliveryAttempt a) {
            return new AttemptView(a.attempt, a.attemptedAt, a.statusCode, a.latencyMs, a.error, a.responseExcerpt);
        }
    }

    public static DeliveryView of(Delivery d, List<DeliveryAttempt> attempts) {
        return new DeliveryView(d.id, d.eventId, d.subscriptionId, d.eventType, d.repository, d.tag, d.digest, d.test,
                d.state, d.attempts, d.state == Delivery.State.PENDING ? d.nextAttemptAt : null, d.lastStatusCode,
                d.lastError, d.createdAt, d.completedAt,
                attempts == null ? null : attempts.stream().map(AttemptView::of).toList());
    }
}
