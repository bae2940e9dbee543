package io.wharf.deployer;

import static org.junit.jupiter.api.Assertions.assertFalse;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.wharf.infra.IntakeThroughput;
import io.wharf.infra.WharfInfraTestResource;

/**
 * The deployer's intake throughput at its own batch settings (max.poll.records=500), with nothing for its
 * handler to act on (what each event costs the intake itself): see {@link IntakeThroughput}. Not part of
 * the suite (no *Test suffix): {@code -Dtest=IntakeThroughputBench}.
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_deployer_bench"))
class IntakeThroughputBench {

    @Inject
    KafkaClientService clients;

    @Test
    void measuresIntakeThroughput() {
        assertFalse(IntakeThroughput.bench("deployer", clients).isEmpty());
    }
}
