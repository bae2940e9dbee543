package io.wharf.deployer.targets.docker;

import com.fasterxml.jackson.databind.JsonNode;

import io.wharf.deployer.targets.Verification;

/**
 * One inspection of the deployed container, read for {@link DockerTarget#verify}: a final verification,
 * or what it still waits for. A container without a health check that is running is not yet a success:
 * {@code runningSince} (its {@code State.StartedAt}) lets the caller require that it stays up, unrestarted,
 * for a while.
 */
record ContainerState(Verification verification, String waitingFor, String runningSince) {

    ContainerState(Verification verification, String waitingFor) {
        this(verification, waitingFor, null);
    }

    /**
     * @param running the container's image pinned to its digest (see {@code DockerTarget#current})
     * @param image   the image deployed
     */
    static ContainerState of(String name, JsonNode container, String running, String image) {
        if (container == null) {
            return done(Verification.failure("container " + name + " was removed during the rollout", null));
        }
        if (!image.equals(running) && !image.equals(container.path("Config").path("Image").asText())) {
            return done(Verification.failure("container " + name + " runs " + running + ", not the deployed image", running));
        }
        JsonNode state = container.path("State");
        String status = state.path("Status").asText();
        if (state.path("Restarting").asBoolean()) {
            return new ContainerState(null, "restarting after exit code " + state.path("ExitCode").asInt());
        }
        if (state.path("Running").asBoolean()) {
            JsonNode health = state.path("Health");
            String healthStatus = health.path("Status").asText("");
            if (healthStatus.isEmpty() || "none".equals(healthStatus)) {
                return new ContainerState(null, "running since " + state.path("StartedAt").asText(), state.path("StartedAt").asText());
            }
            if ("healthy".equals(healthStatus)) {
                return done(Verification.success("container " + name + " is running and healthy with the new image", running));
            }
            if ("unhealthy".equals(healthStatus)) {
                return done(Verification.failure("container " + name + " is unhealthy: " + lastHealthOutput(health), running));
            }
            return new ContainerState(null, "health check " + healthStatus);
        }
        if ("exited".equals(status) || "dead".equals(status)) {
            String error = state.path("Error").asText("");
            return done(Verification.failure("container " + name + " exited with code " + state.path("ExitCode").asInt()
                    + (error.isEmpty() ? "" : ": " + error), running));
        }
        return new ContainerState(null, "state " + status);
    }

    private static ContainerState done(Verification verification) {
        return new ContainerState(verification, null);
    }

    private static String lastHealthOutput(JsonNode health) {
        JsonNode log = health.path("Log");
        if (!log.isArray() || log.isEmpty()) {
            return "no health check output";
        }
        JsonNode last = log.get(log.size() - 1);
        String output = last.path("Output").asText("").strip();
        return "exit code " + last.path("ExitCode").asInt() + (output.isEmpty() ? "" : ", output: " + output);
    }
}
