package io.wharf.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

class TopicDefaultsTest {

    /** A service's configuration as SmallRye builds it, with the factories found on the class path. */
    private static SmallRyeConfig config(Map<String, String> applicationProperties, Map<String, String> environment) {
        return new SmallRyeConfigBuilder()
                .addDiscoveredSources()
                .withSources(new PropertiesConfigSource(applicationProperties, "application.properties", 250))
                .withSources(new EnvConfigSource(environment, 300))
                .build();
    }

    @Test
    void givesEachConfiguredChannelItsTopicFromTopics() {
        SmallRyeConfig config = config(Map.of(
                "mp.messaging.incoming.registry-events.connector", "smallrye-kafka",
                "mp.messaging.outgoing.pipeline-events.connector", "smallrye-kafka",
                "mp.messaging.outgoing.notifications-dlq.acks", "all"), Map.of());
        assertEquals(Topics.REGISTRY_EVENTS, config.getValue("mp.messaging.incoming.registry-events.topic", String.class));
        assertEquals(Topics.PIPELINE_EVENTS, config.getValue("mp.messaging.outgoing.pipeline-events.topic", String.class));
        assertEquals(Topics.NOTIFICATIONS_DLQ, config.getValue("mp.messaging.outgoing.notifications-dlq.topic", String.class));
    }

    @Test
    void addsNoChannelTheServiceDoesNotConfigure() {
        SmallRyeConfig config = config(Map.of("mp.messaging.outgoing.registry-events.connector", "smallrye-kafka",
                "mp.messaging.incoming.other.connector", "smallrye-kafka"), Map.of());
        assertTrue(config.getOptionalValue("mp.messaging.incoming.registry-events.topic", String.class).isEmpty());
        assertTrue(config.getOptionalValue("mp.messaging.outgoing.pipeline-events.topic", String.class).isEmpty());
        assertTrue(config.getOptionalValue("mp.messaging.incoming.other.topic", String.class).isEmpty());
    }

    @Test
    void letsTheEnvironmentAndThePropertiesChooseAnotherTopic() {
        SmallRyeConfig config = config(Map.of(
                        "mp.messaging.incoming.registry-events.connector", "smallrye-kafka",
                        "mp.messaging.outgoing.pipeline-events.connector", "smallrye-kafka",
                        "mp.messaging.outgoing.pipeline-events.topic", "staging.pipeline"),
                Map.of("MP_MESSAGING_INCOMING_REGISTRY_EVENTS_TOPIC", "staging.registry"));
        assertEquals("staging.registry", config.getValue("mp.messaging.incoming.registry-events.topic", String.class));
        assertEquals("staging.pipeline", config.getValue("mp.messaging.outgoing.pipeline-events.topic", String.class));
    }

    @Test
    void givesTheIntakesDeadLetterChannelTheTopicOfTheServiceItNames() {
        SmallRyeConfig config = config(Map.of(
                "wharf.intake.service-name", "notifier",
                "mp.messaging.outgoing.intake-dlq.connector", "smallrye-kafka"), Map.of());
        assertEquals("wharf.notifier.intake-dlq", config.getValue("mp.messaging.outgoing.intake-dlq.topic", String.class));
        assertEquals("wharf.notifier.intake-dlq", Topics.intakeDeadLetters("notifier"));
    }

    @Test
    void givesTheIntakesDeadLetterChannelNoTopicWithoutAServiceName() {
        SmallRyeConfig config = config(Map.of("mp.messaging.outgoing.intake-dlq.connector", "smallrye-kafka"), Map.of());
        assertTrue(config.getOptionalValue("mp.messaging.outgoing.intake-dlq.topic", String.class).isEmpty());
    }

    @Test
    void refusesAServiceNameThatIsNoTopicSegment() {
        for (String bad : new String[] {"Notifier", "a.b", "", "-x", "x-", "a b"}) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Topics.intakeDeadLetters(bad), bad);
        }
    }
}
