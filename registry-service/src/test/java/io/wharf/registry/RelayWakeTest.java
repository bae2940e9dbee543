package io.wharf.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.wharf.events.Topics;
import io.wharf.registry.events.OutboxRelay;

/**
 * The relay does not wait for its timer: a commit on this instance wakes it, a full batch is
 * followed by the next at once, and a commit on another instance wakes it through PostgreSQL
 * ({@code NOTIFY wharf_outbox}). The timer is set to an hour here, so only those paths can publish.
 */
@QuarkusTest
@TestProfile(RelayWakeTest.IdleTimer.class)
class RelayWakeTest {

    /** A timer that never fires during the test, and batches of two rows. */
    public static class IdleTimer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("wharf.registry.events.relay-interval", "1h", "wharf.registry.events.relay-batch-size", "2");
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void aPushIsPublishedWithoutWaitingForTheTimerEvenWhenItFillsMoreThanOneBatch() {
        String repo = "wake/app-" + UUID.randomUUID().toString().substring(0, 8);
        Oci.pushImage(repo, "v1");
        // repository.created, artifact.pushed, tag.created: three rows, two batches.
        List<ConsumerRecord<String, byte[]>> records = TestKafka.read(bootstrapServers, Topics.REGISTRY_EVENTS,
                r -> repo.equals(r.key()), found -> found.size() >= 3, Duration.ofSeconds(20), Duration.ofMillis(500));
        assertEquals(List.of("io.wharf.repository.created", "io.wharf.artifact.pushed", "io.wharf.tag.created"),
                records.stream().map(r -> new String(r.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8)).toList());
    }

    /**
     * Two instances, the test playing the one that relays: while it holds the relay lock (its batch may
     * have been read before this instance's commit), this instance's commit wakes it through PostgreSQL.
     */
    @Test
    void aCommitHereWakesTheInstanceHoldingTheRelayLock() throws Exception {
        String repo = "wake-relaying/app-" + UUID.randomUUID().toString().substring(0, 8);
        try (PgSession relaying = PgSession.listening(OutboxRelay.CHANNEL)) {
            relaying.execute("select pg_advisory_lock(" + OutboxRelay.RELAY_LOCK + ")");
            Oci.pushImage(repo, "v1");
            relaying.awaitNotice(from -> true, Duration.ofSeconds(5));
            // Not relayed here meanwhile: the lock is the other instance's.
            TestDatabase.awaitRow("select 1 from registry_event where repository = '" + repo + "' and published_at is null");
        }
    }

    /**
     * Another instance committed an outbox row (the test copies one of this instance's rows under a new
     * event id, and announces it): this instance, idle and its timer far away, relays it.
     */
    @Test
    void aCommitOnAnotherInstanceWakesThisInstancesRelay() throws Exception {
        String repo = "wake-elsewhere/app-" + UUID.randomUUID().toString().substring(0, 8);
        Oci.pushImage(repo, "v1");
        TestDatabase.awaitRow("select 1 where not exists (select 1 from registry_event where repository = '" + repo
                + "' and published_at is null)");
        String id = UUID.randomUUID().toString();
        try (PgSession other = PgSession.open()) {
            // Under the relay lock, so no batch of this instance that is still under way can take the row.
            other.execute("select pg_advisory_lock(" + OutboxRelay.RELAY_LOCK + ")");
            other.execute("insert into registry.registry_event (id, type, repository, project, subject, digest, tag, actor, occurred_at, data)"
                    + " select '" + id + "', type, repository, project, subject, digest, tag, actor, occurred_at, data"
                    + " from registry.registry_event where repository = '" + repo + "' and type = 'io.wharf.tag.created'");
            other.execute("select pg_advisory_unlock(" + OutboxRelay.RELAY_LOCK + ")");
            TestDatabase.awaitRow("select 1 from registry_event where id = '" + id + "' and published_at is null");
            other.execute("select pg_notify('" + OutboxRelay.CHANNEL + "', 'another-instance')");
        }
        List<ConsumerRecord<String, byte[]>> records = TestKafka.read(bootstrapServers, Topics.REGISTRY_EVENTS,
                r -> id.equals(new String(r.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8)), found -> !found.isEmpty(),
                Duration.ofSeconds(20), Duration.ofMillis(500));
        assertEquals(repo, records.get(0).key());
        assertEquals("io.wharf.tag.created", new String(records.get(0).headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8));
    }
}
