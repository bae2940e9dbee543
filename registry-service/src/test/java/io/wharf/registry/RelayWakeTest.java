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

/**
 * The relay does not wait for its timer: a commit on this instance wakes it, and a full batch is
 * followed by the next at once. The timer is set to an hour here, so only those two paths can publish.
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
}
