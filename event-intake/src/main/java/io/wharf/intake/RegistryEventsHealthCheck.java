package io.wharf.intake;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports how many registry events this process has taken in, the last one's id and the records
 * waiting ({@code lag}, once counted). Always UP: a stalled intake is the liveness check's business
 * ({@link RegistryEventsLivenessCheck}); taking the service out of its Kubernetes Service would only hide
 * the API through which parked events are replayed.
 */
@Readiness
@ApplicationScoped
public class RegistryEventsHealthCheck implements HealthCheck {

    private final EventIntake intake;
    private final IntakeProgress progress;

    public RegistryEventsHealthCheck(EventIntake intake, IntakeProgress progress) {
        this.intake = intake;
        this.progress = progress;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("registry-events intake").up()
                .withData("taken", intake.taken());
        if (intake.lastEventId() != null) {
            builder.withData("lastEventId", intake.lastEventId());
        }
        progress.lag().ifPresent(lag -> builder.withData("lag", lag));
        return builder.build();
    }
}
