package io.wharf.deployer.deployment;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.wharf.events.EventCodec;
import io.wharf.events.WharfEvent;

/**
 * Sends {@code deployment.*} events to {@code wharf.pipeline.events} in CloudEvents binary mode, keyed by
 * repository (one repository's deployments stay in order). The Uni fails when Kafka did not take the
 * record; {@link DeploymentOutbox} keeps it and tries again.
 */
@ApplicationScoped
public class DeploymentPublisher {

    private final MutinyEmitter<byte[]> pipeline;

    public DeploymentPublisher(@Channel("pipeline-events") MutinyEmitter<byte[]> pipeline) {
        this.pipeline = pipeline;
    }

    public Uni<Void> publish(String repository, WharfEvent<?> event) {
        ProducerRecord<String, byte[]> record = EventCodec.toProducerRecord(event);
        return pipeline.sendMessage(Message.of(record.value()).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(repository)
                .withHeaders(record.headers())
                .build()));
    }
}
