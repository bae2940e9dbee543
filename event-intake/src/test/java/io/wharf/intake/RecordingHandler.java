package io.wharf.intake;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.wharf.events.WharfEvent;

/**
 * The test application's {@link EventHandler}: writes a row per event it is handed into
 * {@code handled_event}, in the intake's transaction, and once that transaction has committed records
 * the batch's ids in memory. A batch holding an event of a repository under {@value #REFUSED} fails
 * after writing, so its transaction must roll back.
 */
@ApplicationScoped
public class RecordingHandler implements EventHandler {

    /** Repositories whose events make the handler fail its batch. */
    static final String REFUSED = "refused/";

    private final List<List<String>> committed = new CopyOnWriteArrayList<>();

    @Override
    public Uni<Runnable> plan(List<WharfEvent<?>> fresh) {
        List<String> ids = fresh.stream().map(WharfEvent::id).toList();
        Runnable then = () -> committed.add(ids);
        return Panache.getSession().chain(session -> session.createNativeQuery(
                                "INSERT INTO handled_event (event_id) SELECT unnest(CAST(:ids AS TEXT[]))")
                        .setParameter("ids", ids.toArray(String[]::new))
                        .executeUpdate())
                .chain(written -> fresh.stream().anyMatch(e -> e.data().repository().startsWith(REFUSED))
                        ? Uni.createFrom().failure(new IllegalStateException("the handler refuses " + REFUSED))
                        : Uni.createFrom().item(then));
    }

    /** The batches whose transaction committed, each as the ids of the events handed, in the order taken in. */
    List<List<String>> committedBatches() {
        return List.copyOf(committed);
    }
}
