package io.wharf.intake;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.providers.extension.HealthCenter;
import io.vertx.core.Vertx;

/**
 * Whether the intake is moving: when it last got a batch past (taken in, parked or skipped), how many
 * records wait on its partitions, and whether its channel still runs.
 * <p>
 * The lag is counted every {@code wharf.intake.lag-interval} on the consumer's own polling thread: for
 * each partition assigned to this instance, the end offset minus what the intake has got past: the later
 * of the group's committed offset and the offset after the last record this process got past (the
 * commit follows a few seconds later), or the beginning offset where there is neither. Offsets the
 * consumer has fetched but not yet got past count as waiting, so a batch that hangs shows as lag even
 * though the consumer keeps polling.
 * <p>
 * The intake is <em>stalled</em> when records wait and it has got nothing past for longer than
 * {@code wharf.intake.stall-after}, counted from the later of its last progress and the first count that
 * found records waiting after one that found none (so an idle hour does not count as a stall).
 */
@ApplicationScoped
public class IntakeProgress {

    private static final Logger LOG = Logger.getLogger(IntakeProgress.class);
    /** The channel the intake consumes, as the services configure it. */
    static final String CHANNEL = "registry-events";
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(5);
    private static final long NONE = Long.MIN_VALUE;

    private final IntakeConfig config;
    private final KafkaClientService kafka;
    private final HealthCenter health;
    private final Vertx vertx;

    private volatile long lastAdvance = System.nanoTime();
    private volatile long waitingSince = NONE;
    /** Records waiting at the last count; negative while unknown. */
    private volatile long lag = -1;
    private volatile long timer = -1;
    /** The next offset of each partition after what the intake got past, as this process saw it. */
    private final Map<TopicPartition, Long> processed = new ConcurrentHashMap<>();

    public IntakeProgress(IntakeConfig config, KafkaClientService kafka, HealthCenter health, Vertx vertx) {
        this.config = config;
        this.kafka = kafka;
        this.health = health;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent started) {
        timer = vertx.setPeriodic(config.lagInterval().toMillis(), id -> count());
    }

    void stop(@Observes ShutdownEvent stopping) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** The intake got these records past (took them in, parked what failed, or found nothing new in them). */
    void advanced(ConsumerRecords<?, ?> records) {
        for (TopicPartition partition : records.partitions()) {
            List<? extends ConsumerRecord<?, ?>> of = records.records(partition);
            if (!of.isEmpty()) {
                processed.merge(partition, of.get(of.size() - 1).offset() + 1, Math::max);
            }
        }
        lastAdvance = System.nanoTime();
    }

    /** Counts the records waiting on this instance's partitions now, and keeps the result. */
    void count() {
        KafkaConsumer<Object, Object> consumer;
        try {
            consumer = kafka.getConsumer(CHANNEL);
        } catch (RuntimeException e) {
            consumer = null;
        }
        if (consumer == null) {
            lag = -1;
            return;
        }
        Function<Consumer<Object, Object>, Long> waiting = this::waiting;
        consumer.runOnPollingThread(waiting).subscribe().with(this::counted, failure -> {
            LOG.debugf("could not count the records waiting on %s: %s", CHANNEL, failure);
            lag = -1;
        });
    }

    private void counted(long waiting) {
        if (waiting == 0) {
            waitingSince = NONE;
        } else if (waitingSince == NONE) {
            waitingSince = System.nanoTime();
        }
        lag = waiting;
    }

    private long waiting(Consumer<Object, Object> consumer) {
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return 0;
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, KAFKA_TIMEOUT);
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned, KAFKA_TIMEOUT);
        Map<TopicPartition, Long> beginnings = null;
        long waiting = 0;
        for (TopicPartition partition : assigned) {
            long end = ends.getOrDefault(partition, 0L);
            OffsetAndMetadata done = committed.get(partition);
            Long seen = processed.get(partition);
            long from;
            if (done != null || seen != null) {
                from = Math.max(done == null ? 0 : done.offset(), seen == null ? 0 : seen);
            } else {
                if (beginnings == null) {
                    beginnings = consumer.beginningOffsets(assigned, KAFKA_TIMEOUT);
                }
                from = beginnings.getOrDefault(partition, 0L);
            }
            waiting += Math.max(0, end - from);
        }
        return waiting;
    }

    /** Records waiting at the last count, or empty while unknown (not counted yet, Kafka unreachable, channel gone). */
    public Optional<Long> lag() {
        long value = lag;
        return value < 0 ? Optional.empty() : Optional.of(value);
    }

    double lagOrNaN() {
        long value = lag;
        return value < 0 ? Double.NaN : value;
    }

    /** How long records have waited without the intake getting anything past; zero while none wait. */
    public Duration stalledFor() {
        long since = waitingSince;
        if (lag <= 0 || since == NONE) {
            return Duration.ZERO;
        }
        long from = Math.max(since, lastAdvance);
        return Duration.ofNanos(Math.max(0, System.nanoTime() - from));
    }

    /** Whether records have waited longer than {@code wharf.intake.stall-after} without progress. */
    public boolean stalled() {
        return stalledFor().compareTo(config.stallAfter()) > 0;
    }

    /**
     * Why the channel no longer consumes, when Reactive Messaging reports it failed (the connector
     * stopped it, or the consumer method failed under {@code failure-strategy=fail}); empty while it runs.
     */
    public Optional<String> channelFailure() {
        HealthReport liveness = health.getLiveness();
        return liveness.getChannels().stream()
                .filter(channel -> !channel.isOk())
                .filter(channel -> CHANNEL.equals(channel.getChannel())
                        || channel.getChannel() != null && channel.getChannel().startsWith(RegistryEventConsumer.class.getSimpleName()))
                .map(channel -> channel.getChannel() + ": " + channel.getMessage())
                .findFirst();
    }
}
