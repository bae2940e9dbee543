package io.wharf.registry.events;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.wharf.events.EventType;
import io.wharf.events.RegistryEventData;
import io.wharf.registry.oci.Names;

/**
 * Aggregates manifest pulls into {@code artifact.pulled} events: pulls of one (repository, digest,
 * tag, actor) are counted in memory and written to the outbox as one event with a {@code count}
 * every {@code wharf.registry.events.pull-flush-interval}. A pull therefore never costs a database
 * write; the price is that a crash loses the counts of the current interval (at most a few seconds).
 * The same flush adds the pulls to the repository's and the manifest's pull counts, and sets the
 * manifest's {@code last_pulled_at} (what retention's pulled rules read).
 */
@ApplicationScoped
public class PullCounter {
    private static final Logger LOG = Logger.getLogger(PullCounter.class);

    private record Key(String repository, String digest, String mediaType, String tag, RegistryEventData.Actor actor) {
    }

    private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();
    private final EventRecorder recorder;

    public PullCounter(EventRecorder recorder) {
        this.recorder = recorder;
    }

    /** Counts one pull of a manifest. */
    public void pulled(String repository, String digest, String mediaType, String tag, RegistryEventData.Actor actor) {
        counts.computeIfAbsent(new Key(repository, digest, mediaType, tag, actor), k -> new LongAdder()).increment();
    }

    @Scheduled(every = "${wharf.registry.events.pull-flush-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return flush().onFailure().invoke(e -> LOG.warnf("recording pulls failed: %s", e.toString()))
                .onFailure().recoverWithItem(0).replaceWithVoid();
    }

    /** Writes the counted pulls as events; returns how many events were written. Counts are kept if writing fails. */
    public Uni<Integer> flush() {
        Map<Key, Long> taken = new java.util.HashMap<>();
        for (Key key : List.copyOf(counts.keySet())) {
            LongAdder adder = counts.remove(key);
            long n = adder == null ? 0 : adder.sum();
            if (n > 0) {
                taken.put(key, n);
            }
        }
        if (taken.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return Panache.withTransaction(() -> write(taken)).replaceWith(taken.size())
                .onFailure().invoke(() -> taken.forEach((key, n) -> counts.computeIfAbsent(key, k -> new LongAdder()).add(n)));
    }

    private Uni<Void> write(Map<Key, Long> taken) {
        Uni<Void> chain = countPulls(taken);
        for (Map.Entry<Key, Long> e : taken.entrySet()) {
            Key key = e.getKey();
            RegistryEventData data = RegistryEventData.builder(key.repository(), key.digest())
                    .tag(key.tag())
                    .mediaType(key.mediaType())
                    .project(Names.project(key.repository()))
                    .actor(key.actor())
                    .count((int) Math.min(Integer.MAX_VALUE, e.getValue()))
                    .build();
            chain = chain.call(() -> recorder.record(EventType.ARTIFACT_PULLED, data));
        }
        return chain;
    }

    /**
     * Adds the pulls to the counters search and the repository page show: per repository, and per
     * manifest (a tag shows the count of the manifest it points at). One update per repository and
     * per manifest pulled in the interval, in the same transaction as the events.
     */
    private static Uni<Void> countPulls(Map<Key, Long> taken) {
        Map<String, Long> repositories = new java.util.HashMap<>();
        Map<List<String>, Long> manifests = new java.util.HashMap<>();
        taken.forEach((key, n) -> {
            repositories.merge(key.repository(), n, Long::sum);
            manifests.merge(List.of(key.repository(), key.digest()), n, Long::sum);
        });
        return Panache.getSession().chain(session -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Map.Entry<String, Long> e : repositories.entrySet()) {
                chain = chain.call(() -> session.createNativeQuery("UPDATE repository SET pull_count = pull_count + :n WHERE name = :r")
                        .setParameter("n", e.getValue()).setParameter("r", e.getKey()).executeUpdate());
            }
            for (Map.Entry<List<String>, Long> e : manifests.entrySet()) {
                chain = chain.call(() -> session.createNativeQuery("UPDATE manifest SET pull_count = pull_count + :n, last_pulled_at = now() "
                                + "WHERE digest = :d AND repository_id = (SELECT id FROM repository WHERE name = :r)")
                        .setParameter("n", e.getValue()).setParameter("d", e.getKey().get(1)).setParameter("r", e.getKey().get(0))
                        .executeUpdate());
            }
            return chain;
        });
    }
}
