package io.wharf.intake;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Reports how many registry events this process has taken in, and the last one's id. */
@Readiness
@ApplicationScoped
public class RegistryEventsHealthCheck implements HealthCheck {

    private final EventIntake intake;

    public RegistryEventsHealthCheck(EventIntake intake) {
        this.intake = intake;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("registry-events intake").up()
                .withData("taken", intake.taken());
        if (intake.lastEventId() != null) {
            builder.withData("lastEventId", intake.lastEventId());
        }
        return builder.build();
    }
}
