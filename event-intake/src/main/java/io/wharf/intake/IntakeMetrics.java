package io.wharf.intake;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The intake's meters (Micrometer, scraped at {@code /q/metrics}): {@code wharf.intake.events.taken}
 * (new events taken in), {@code wharf.intake.events.retried} (events handed to the intake again after a
 * failure: a retried batch counts each of its events), {@code wharf.intake.events.parked} (events set
 * aside) and {@code wharf.intake.lag} (records waiting on the consumer's partitions at the last count,
 * NaN while unknown). Created at startup, so that the meters exist before the first event.
 */
@Startup
@ApplicationScoped
public class IntakeMetrics {

    private final Counter taken;
    private final Counter retried;
    private final Counter parked;

    public IntakeMetrics(MeterRegistry registry, IntakeProgress progress) {
        taken = Counter.builder("wharf.intake.events.taken").description("New registry events taken in").register(registry);
        retried = Counter.builder("wharf.intake.events.retried")
                .description("Registry events handed to the intake again after a failure").register(registry);
        parked = Counter.builder("wharf.intake.events.parked")
                .description("Registry events parked after failing on their own").register(registry);
        Gauge.builder("wharf.intake.lag", progress, IntakeProgress::lagOrNaN)
                .description("Records waiting on the consumer's partitions, at the last count").strongReference(true).register(registry);
    }

    void taken(int events) {
        taken.increment(events);
    }

    void retried(int events) {
        retried.increment(events);
    }

    void parked() {
        parked.increment();
    }
}
