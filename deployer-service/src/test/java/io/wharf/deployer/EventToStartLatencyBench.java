package io.wharf.deployer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.deployer.support.Api;
import io.wharf.deployer.support.Registry;
import io.wharf.infra.WharfInfraTestResource;

/**
 * Measures registry event time → deployment started (the deployment's {@code startedAt}, written in the
 * transaction that also writes {@code deployment.started}), without debounce. Not part of the suite
 * (no *Test suffix): run with {@code -Dtest=EventToStartLatencyBench}; {@code -Dbench.rounds} (10) rounds of one
 * push per rule (10 rules), {@code -Dbench.pace-ms} (300) apart. Figures go to BENCHMARKS.md.
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_deployer_test"))
class EventToStartLatencyBench {
    private static final int RULES = 10;
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 10);
    /** Pause between two pushes: one push at a time, spread over the repositories. */
    private static final long PACE_MS = Long.getLong("bench.pace-ms", 300);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void measuresEventToDeploymentStarted() throws Exception {
        String project = Api.project();
        List<String> rules = new ArrayList<>();
        for (int i = 0; i < RULES; i++) {
            rules.add(Api.createRule(Api.fakeRule(project + "/app" + i, "glob", "build-*", project + "-" + i, Map.of())).getString("id"));
        }
        // Warm-up round, not measured.
        for (int i = 0; i < RULES; i++) {
            Registry.send(bootstrap, Registry.pushed(project + "/app" + i, "build-warm", Registry.digest()));
        }
        for (String rule : rules) {
            Api.settled(rule, 1);
        }
        try (Registry.Producer producer = new Registry.Producer(bootstrap)) {
            for (int round = 0; round < ROUNDS; round++) {
                for (int i = 0; i < RULES; i++) {
                    // The event's time is taken here, as the registry stamps it at commit, just before producing.
                    producer.send(Registry.pushed(project + "/app" + i, "build-" + round, Registry.digest()));
                    Thread.sleep(PACE_MS);
                }
            }
        }
        List<Long> millis = new ArrayList<>();
        List<Long> toPlanned = new ArrayList<>();
        for (String rule : rules) {
            List<Map<String, Object>> all = await("all deployments of " + rule).atMost(Duration.ofSeconds(120)).until(
                    () -> Api.deployments(rule), list -> list.size() == ROUNDS + 1
                            && list.stream().allMatch(d -> "succeeded".equals(d.get("state"))));
            for (Map<String, Object> d : all) {
                if (!"build-warm".equals(d.get("tag"))) {
                    OffsetDateTime event = OffsetDateTime.parse((String) d.get("eventTime"));
                    millis.add(Duration.between(event, OffsetDateTime.parse((String) d.get("startedAt"))).toMillis());
                    toPlanned.add(Duration.between(event, OffsetDateTime.parse((String) d.get("createdAt"))).toMillis());
                }
            }
        }
        assertEquals(RULES * ROUNDS, millis.size());
        Collections.sort(millis);
        Collections.sort(toPlanned);
        System.out.printf("BENCH event->deployment.started n=%d p50=%d ms p90=%d ms p99=%d ms max=%d ms%n", millis.size(),
                pct(millis, 50), pct(millis, 90), pct(millis, 99), millis.get(millis.size() - 1));
        System.out.printf("BENCH event->deployment planned (taken in) p50=%d ms p90=%d ms p99=%d ms%n",
                pct(toPlanned, 50), pct(toPlanned, 90), pct(toPlanned, 99));
    }

    private static long pct(List<Long> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }
}
