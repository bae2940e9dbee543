package io.wharf.intake;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.wharf.events.EventBatch;
import io.wharf.events.EventCodec;
import io.wharf.events.EventDecodingException;
import io.wharf.events.WharfEvent;

/**
 * Reads {@code wharf.registry.events} a poll at a time and hands the batch's events to the service
 * (one transaction per batch). A record that is not a Wharf event (or of a type this version does not
 * know) is logged and skipped: it can never be processed, and it must not stop the events around it.
 * <p>
 * A batch whose intake fails is tried again, {@code wharf.intake.retry.max-attempts} times in all, with
 * a pause that starts at {@code initial-backoff} and doubles up to {@code max-backoff}. If it still
 * fails, its events are taken in one at a time, each in its own transaction and in the batch's order, so
 * that only the events that fail on their own are set aside: each is parked ({@link ParkedEvents}, then
 * published on {@code wharf.<service>.intake-dlq}) and the rest are taken in. Then the batch is
 * acknowledged and the consumer moves on; a parked event waits for a replay through the API. (A parked
 * event's later events of the same repository go ahead of it.)
 * <p>
 * The batch is not acknowledged only if a parked event's row cannot be written after as many attempts
 * (the database is gone): then the Uni fails, the channel's {@code failure-strategy=fail} stops it, the
 * liveness check goes DOWN ({@link RegistryEventsLivenessCheck}) and, restarted, the service gets the
 * batch again; nothing is acknowledged that is neither taken in nor parked.
 */
@ApplicationScoped
public class RegistryEventConsumer {
    private static final Logger LOG = Logger.getLogger(RegistryEventConsumer.class);

    private final EventIntake intake;
    private final ParkedEvents parked;
    private final IntakeDeadLetters deadLetters;
    private final IntakeProgress progress;
    private final IntakeMetrics metrics;
    private final IntakeConfig.Retry retry;

    public RegistryEventConsumer(EventIntake intake, ParkedEvents parked, IntakeDeadLetters deadLetters,
            IntakeProgress progress, IntakeMetrics metrics, IntakeConfig config) {
        this.intake = intake;
        this.parked = parked;
        this.deadLetters = deadLetters;
        this.progress = progress;
        this.metrics = metrics;
        this.retry = config.retry();
    }

    @Incoming("registry-events")
    public Uni<Void> consume(ConsumerRecords<String, byte[]> records) {
        EventBatch batch = EventBatch.fromKafka(records);
        batch.skipped().forEach(s -> LOG.warnf("skipping record %s: %s", s.position(), s.reason()));
        List<WharfEvent<?>> events = batch.events();
        return attempts(() -> intake.take(events), events.size(), retry.maxAttempts())
                .chain(outcome -> outcome.failure() == null ? Uni.createFrom().voidItem() : isolate(records, events, outcome))
                .invoke(() -> progress.advanced(records));
    }

    /** The batch failed every attempt: takes in its events one at a time and parks those that fail. */
    private Uni<Void> isolate(ConsumerRecords<String, byte[]> records, List<WharfEvent<?>> events, Outcome batch) {
        LOG.warnf("a batch of %d events failed %d times (last: %s); taking them in one at a time", events.size(),
                batch.attempts(), FailureText.of(batch.failure()));
        Map<String, ConsumerRecord<String, byte[]>> origins = origins(records);
        return Multi.createFrom().iterable(events)
                .onItem().transformToUniAndConcatenate(event -> {
                    metrics.retried(1);
                    return intake.take(List.of(event)).replaceWithVoid()
                            .onFailure().recoverWithUni(failure -> park(event, origins.get(event.id()), batch.attempts() + 1, failure));
                })
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> park(WharfEvent<?> event, ConsumerRecord<String, byte[]> record, int attempts, Throwable failure) {
        FailureText text = FailureText.of(failure);
        return attempts(() -> parked.park(event, record, attempts, text), 0, retry.maxAttempts())
                .chain(outcome -> {
                    if (outcome.failure() != null) {
                        LOG.errorf("could not park event %s (%s) after %d attempts: %s", event.id(), text,
                                outcome.attempts(), FailureText.of(outcome.failure()));
                        return Uni.createFrom().<Void>failure(outcome.failure());
                    }
                    long id = (Long) outcome.item();
                    metrics.parked();
                    LOG.errorf("parked event %s (%s of %s, record %s-%d@%d) as %d: %s", event.id(), event.type().cloudEventType(),
                            event.data().repository(), record.topic(), record.partition(), record.offset(), id, text);
                    return deadLetters.publish(record, id, attempts, text)
                            .onFailure().recoverWithItem(published -> {
                                LOG.warnf("parked event %s is not on the dead-letter topic: %s", event.id(), FailureText.of(published));
                                return null;
                            });
                });
    }

    /** The first record of each event id among the records (the one {@link EventBatch} took the event from). */
    private static Map<String, ConsumerRecord<String, byte[]>> origins(ConsumerRecords<String, byte[]> records) {
        Map<String, ConsumerRecord<String, byte[]>> origins = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                origins.putIfAbsent(EventCodec.fromKafka(record).id(), record);
            } catch (EventDecodingException e) {
                // skipped, as in the batch
            }
        }
        return origins;
    }

    /**
     * Runs {@code work} until it succeeds or has failed {@code maxAttempts} times, pausing between
     * attempts; the outcome holds the item, or the last failure, and the attempts made.
     */
    private Uni<Outcome> attempts(Supplier<Uni<?>> work, int events, int maxAttempts) {
        return attempt(work, events, Math.max(1, maxAttempts), 1);
    }

    private Uni<Outcome> attempt(Supplier<Uni<?>> work, int events, int maxAttempts, int attempt) {
        return Uni.createFrom().<Object>deferred(() -> work.get()).map(item -> new Outcome(item, null, attempt))
                .onFailure().recoverWithUni(failure -> {
                    if (attempt >= maxAttempts) {
                        return Uni.createFrom().item(new Outcome(null, failure, attempt));
                    }
                    Duration pause = backoff(attempt);
                    LOG.debugf("attempt %d of %d failed (%s); again in %s", attempt, maxAttempts, FailureText.of(failure), pause);
                    metrics.retried(events);
                    return pause(pause).chain(() -> attempt(work, events, maxAttempts, attempt + 1));
                });
    }

    /** The pause after the {@code attempt}th failure: the initial backoff doubled each time, at most the maximum. */
    Duration backoff(int attempt) {
        Duration pause = retry.initialBackoff();
        for (int i = 1; i < attempt && pause.compareTo(retry.maxBackoff()) < 0; i++) {
            pause = pause.multipliedBy(2);
        }
        return pause.compareTo(retry.maxBackoff()) > 0 ? retry.maxBackoff() : pause;
    }

    /**
     * Completes after {@code pause}, back on the caller's Vert.x context (the intake's transactions need
     * it), or on Mutiny's executor where there is none.
     */
    private static Uni<Void> pause(Duration pause) {
        Context context = Vertx.currentContext();
        if (context == null) {
            return Uni.createFrom().voidItem().onItem().delayIt().by(pause);
        }
        return Uni.createFrom().emitter(emitter -> context.owner().setTimer(Math.max(1, pause.toMillis()),
                timer -> context.runOnContext(ignored -> emitter.complete(null))));
    }

    /** What came of attempts at some work: its item, or the last failure, and how many attempts were made. */
    private record Outcome(Object item, Throwable failure, int attempts) {
    }
}
