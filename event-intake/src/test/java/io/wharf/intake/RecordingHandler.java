package io.wharf.intake;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.wharf.events.WharfEvent;

/**
 * The test application's {@link EventHandler}: writes a row per event it is handed into
 * {@code handled_event}, in the intake's transaction, and once that transaction has committed records
 * the batch's ids in memory. After writing, it fails a batch that holds an event of a repository under
 * {@value #REFUSED} (until the test {@linkplain #fix fixes} that repository), so the transaction must roll
 * back; it fails a batch with an event under {@value #FLAKY} on its first {@value #FLAKY_FAILURES}
 * attempts only (counted per repository); and it waits, before writing, while it holds an event under {@value #HELD} until the test
 * {@linkplain #release releases} it.
 */
@ApplicationScoped
public class RecordingHandler implements EventHandler {

    /** Repositories whose events make the handler fail their batch (until fixed). */
    static final String REFUSED = "refused/";
    /** Repositories whose events make the handler fail their batch's first attempts. */
    static final String FLAKY = "flaky/";
    static final int FLAKY_FAILURES = 2;
    /** Repositories whose events make the handler wait until released. */
    static final String HELD = "held/";

    private final List<List<String>> committed = new CopyOnWriteArrayList<>();
    private final Set<String> fixed = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, AtomicInteger> flakyFailures = new ConcurrentHashMap<>();
    private final AtomicInteger refusals = new AtomicInteger();
    private volatile CompletableFuture<Void> hold = new CompletableFuture<>();

    @Override
    public Uni<Runnable> plan(List<WharfEvent<?>> fresh) {
        List<String> ids = fresh.stream().map(WharfEvent::id).toList();
        Runnable then = () -> committed.add(ids);
        Uni<Void> ready = fresh.stream().anyMatch(e -> e.data().repository().startsWith(HELD)) ? held() : Uni.createFrom().voidItem();
        return ready.chain(() -> Panache.getSession()).chain(session -> session.createNativeQuery(
                                "INSERT INTO handled_event (event_id) SELECT unnest(CAST(:ids AS TEXT[]))")
                        .setParameter("ids", ids.toArray(String[]::new))
                        .executeUpdate())
                .chain(written -> {
                    if (fresh.stream().anyMatch(this::refused)) {
                        refusals.incrementAndGet();
                        return Uni.createFrom().failure(new IllegalStateException("the handler refuses " + REFUSED
                                + " (password=hunter2)"));
                    }
                    if (fresh.stream().map(e -> e.data().repository()).filter(r -> r.startsWith(FLAKY)).distinct()
                            .anyMatch(r -> flakyFailures.computeIfAbsent(r, x -> new AtomicInteger()).incrementAndGet() <= FLAKY_FAILURES)) {
                        return Uni.createFrom().failure(new IllegalStateException("the handler fails " + FLAKY + " for now"));
                    }
                    return Uni.createFrom().item(then);
                });
    }

    private boolean refused(WharfEvent<?> event) {
        return event.data().repository().startsWith(REFUSED) && !fixed.contains(event.data().repository());
    }

    /** Completes, back on the caller's Vert.x context, once the test releases the held events. */
    private Uni<Void> held() {
        Context context = Vertx.currentContext();
        CompletableFuture<Void> until = hold;
        return Uni.createFrom().emitter(emitter -> until.whenComplete((ok, failure) -> context.runOnContext(ignored -> emitter.complete(null))));
    }

    /** Lets the events under {@value #HELD} through, now and from now on until {@link #holdAgain()}. */
    void release() {
        hold.complete(null);
    }

    void holdAgain() {
        hold = new CompletableFuture<>();
    }

    /** From now on the handler takes the events of {@code repository} (under {@value #REFUSED}). */
    void fix(String repository) {
        fixed.add(repository);
    }

    /** How many attempts the handler refused so far. */
    int refusals() {
        return refusals.get();
    }

    /** The batches whose transaction committed, each as the ids of the events handed, in the order taken in. */
    List<List<String>> committedBatches() {
        return List.copyOf(committed);
    }
}
