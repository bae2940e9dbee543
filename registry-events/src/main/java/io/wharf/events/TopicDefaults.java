package io.wharf.events;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Gives each Reactive Messaging channel of Wharf its Kafka topic from {@link Topics}, so that no
 * service's configuration spells a topic name. For every channel a service configures
 * ({@code mp.messaging.incoming.<channel>.*} or {@code mp.messaging.outgoing.<channel>.*}) whose
 * name is in {@link #CHANNELS}, it supplies {@code mp.messaging.<direction>.<channel>.topic}; it
 * adds nothing for channels a service does not configure (an unconfigured channel would otherwise
 * appear, without a connector). Its ordinal, {@value #ORDINAL}, is below application.properties
 * (250) and the environment (300): {@code MP_MESSAGING_INCOMING_REGISTRY_EVENTS_TOPIC} and the
 * like still override a topic.
 * <p>
 * The channel {@value #INTAKE_DEAD_LETTERS} (event-intake's parked events) gets
 * {@link Topics#intakeDeadLetters(String)} of the service's {@value #SERVICE_NAME}; without that setting it
 * gets no topic here, and event-intake refuses to start for the missing setting.
 *
 * <p>Registered for SmallRye Config (Quarkus) in {@code META-INF/services}; a service that
 * depends on this module picks it up without further configuration.
 */
public class TopicDefaults implements ConfigSourceFactory {

    /** Below application.properties (250) and environment variables (300). */
    public static final int ORDINAL = 100;

    /**
     * Wharf's channel names and the topic each one reads or writes. Every service publishes its audit
     * entries on the channel {@code audit}; the registry reads them all in on {@code audit-intake}.
     */
    public static final Map<String, String> CHANNELS = Map.of(
            "registry-events", Topics.REGISTRY_EVENTS,
            "pipeline-events", Topics.PIPELINE_EVENTS,
            "notifications-dlq", Topics.NOTIFICATIONS_DLQ,
            "audit", Topics.AUDIT,
            "audit-intake", Topics.AUDIT);

    /** The channel on which event-intake publishes the events it parked. */
    public static final String INTAKE_DEAD_LETTERS = "intake-dlq";

    /** The setting naming the consuming service, which its intake's dead-letter topic carries. */
    public static final String SERVICE_NAME = "wharf.intake.service-name";

    private static final List<String> DIRECTIONS = List.of("mp.messaging.incoming.", "mp.messaging.outgoing.");

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Map<String, String> topics = new HashMap<>();
        for (Iterator<String> names = context.iterateNames(); names.hasNext(); ) {
            String name = names.next();
            for (String direction : DIRECTIONS) {
                int dot = name.indexOf('.', direction.length());
                if (name.startsWith(direction) && dot > direction.length()) {
                    String channel = name.substring(direction.length(), dot);
                    String topic = channel.equals(INTAKE_DEAD_LETTERS) ? intakeDeadLetters(context) : CHANNELS.get(channel);
                    if (topic != null) {
                        topics.put(direction + channel + ".topic", topic);
                    }
                }
            }
        }
        return List.of(new PropertiesConfigSource(topics, "Wharf topics (io.wharf.events.Topics)", ORDINAL));
    }

    private static String intakeDeadLetters(ConfigSourceContext context) {
        ConfigValue service = context.getValue(SERVICE_NAME);
        return service == null || service.getValue() == null ? null : Topics.intakeDeadLetters(service.getValue().trim());
    }
}
