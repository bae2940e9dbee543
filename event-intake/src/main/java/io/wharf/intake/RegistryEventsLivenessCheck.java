package io.wharf.intake;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * DOWN when the intake can no longer recover by itself, so that Kubernetes (liveness probe on
 * {@code /q/health/live}) restarts the service and Kafka delivers the waiting records again: when its
 * channel has stopped, or when records have waited longer than {@code wharf.intake.stall-after} without
 * the intake getting anything past (see {@link IntakeProgress}). A liveness check, not a readiness one:
 * only a failed liveness probe makes Kubernetes restart a container; readiness would merely take the
 * service out of its Service's endpoints, and the consumer, which no request reaches, would stay wedged.
 */
@Liveness
@ApplicationScoped
public class RegistryEventsLivenessCheck implements HealthCheck {

    private final IntakeProgress progress;
    private final IntakeConfig config;

    public RegistryEventsLivenessCheck(IntakeProgress progress, IntakeConfig config) {
        this.progress = progress;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("registry-events intake");
        progress.lag().ifPresent(lag -> builder.withData("lag", lag));
        builder.withData("stalledForMillis", progress.stalledFor().toMillis());
        Optional<String> failure = progress.channelFailure();
        if (failure.isPresent()) {
            return builder.down().withData("reason", "the channel stopped: " + failure.get()).build();
        }
        if (progress.stalled()) {
            return builder.down().withData("reason", "records have waited more than " + config.stallAfter()
                    + " without the intake taking any in").build();
        }
        return builder.up().build();
    }
}
