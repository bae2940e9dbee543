package io.wharf.deployer.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DeployTarget} promises the deployment engine, run against a real instance of
 * the thing it deploys to. A target's test class extends this and supplies a fresh workload per
 * test, plays the workload's controller where the target watches one, and says what the target's
 * receiver saw.
 *
 * @param <S> the target's settings
 */
public abstract class DeployTargetContract<S extends TargetSettings> {

    /** The reference the tests deploy: a tag pinned to its digest, as the engine hands it over. */
    protected static final String DIGEST = "sha256:" + "2".repeat(64);
    protected static final String IMAGE = "registry.example:5000/shop/web:v2@" + DIGEST;

    /** The target under test. */
    protected abstract DeployTarget<S> target();

    /** Creates a workload that runs {@link #initialImage()} and returns settings that reach it. */
    protected abstract S freshWorkload() throws Exception;

    /** Valid settings with a field the target needs left out. */
    protected abstract S settingsMissingARequiredField();

    /** What {@link DeployTarget#current} reports for a fresh workload: its image, or null when the target cannot know. */
    protected abstract String initialImage();

    /** The image the workload was told to run, as its receiver saw it after {@code apply}. */
    protected abstract String imageTheWorkloadWasGiven(S settings) throws Exception;

    /** Whether {@link DeployTarget#current} can tell what runs (false for targets that cannot be asked). */
    protected abstract boolean knowsWhatItRuns();

    /** Whether the target watches a rollout that can fail (false when applying is the whole change). */
    protected abstract boolean watchesRollouts();

    /** Plays the workload's controller after {@code apply}: the rollout finishes and is available. */
    protected void rollOutHealthy(S settings) throws Exception {
    }

    /**
     * Plays the workload's controller after {@code apply}: the rollout fails for good. Called only
     * when the target {@linkplain #watchesRollouts() watches rollouts}.
     *
     * @return the words of the failure the target must pass on in its verification's reason
     */
    protected String rollOutUnhealthy(S settings) throws Exception {
        throw new UnsupportedOperationException("a target that watches rollouts plays a failed one");
    }

    /** Settings whose endpoint does not answer (a closed port), with any secret the settings can hold. */
    protected abstract S unreachableWorkload() throws Exception;

    /** The target to use for {@link #unreachableWorkload()}; the same target unless the endpoint is part of the target. */
    protected DeployTarget<S> targetForUnreachable() {
        return target();
    }

    /** The secrets {@code settings} hold, in every form (clear, sealed, header values): never in an error. */
    protected abstract List<String> secretsIn(S settings);

    /** How a failure names the target (by default its display name). */
    protected String nameIn(S settings) {
        return settings.displayName();
    }

    /**
     * The reference the tests deploy: by default {@link #IMAGE}, which nothing can pull; a target that
     * pulls for real (Docker) answers one its registry holds, a tag pinned to its digest.
     */
    protected String deployedImage() {
        return IMAGE;
    }

    /** The order the tests hand the target: {@link #deployedImage()} replacing {@code previousImage}. */
    protected DeployOrder order(String previousImage) {
        String image = deployedImage();
        String digest = image.contains("@") ? image.substring(image.indexOf('@') + 1) : DIGEST;
        return new DeployOrder(UUID.randomUUID().toString(), "rule-1", "event-1", "shop/web", "v2", digest, image, previousImage);
    }

    @Test
    void validateAcceptsWorkingSettingsAndRefusesOnesMissingARequiredField() throws Exception {
        target().validate(freshWorkload());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> target().validate(settingsMissingARequiredField()));
        assertTrue(refused.getMessage() != null && refused.getMessage().contains("required"),
                "a message fit for a 400 answer: " + refused.getMessage());
    }

    @Test
    void currentOfAFreshWorkloadIsWhatItRuns() throws Exception {
        assertEquals(initialImage(), target().current(freshWorkload()).await().atMost(Duration.ofSeconds(30)));
    }

    @Test
    void applyGivesTheWorkloadExactlyThePinnedReference() throws Exception {
        S settings = freshWorkload();
        target().apply(settings, order(initialImage())).await().atMost(Duration.ofSeconds(30));

        assertEquals(deployedImage(), imageTheWorkloadWasGiven(settings));
        String current = target().current(settings).await().atMost(Duration.ofSeconds(30));
        assertEquals(knowsWhatItRuns() ? deployedImage() : null, current, "current() after apply");
    }

    @Test
    void verifySucceedsForAHealthyRollout() throws Exception {
        S settings = freshWorkload();
        DeployOrder order = order(initialImage());
        target().apply(settings, order).await().atMost(Duration.ofSeconds(30));
        rollOutHealthy(settings);

        Verification verification = target().verify(settings, order, Duration.ofSeconds(20)).await().atMost(Duration.ofSeconds(30));
        assertTrue(verification.succeeded(), verification.reason());
        if (knowsWhatItRuns()) {
            assertEquals(deployedImage(), verification.runningImage());
        }
    }

    @Test
    void verifyFailsWithAReasonForAFailedRollout() throws Exception {
        Assumptions.assumeTrue(watchesRollouts(), "this target has no rollout to watch: applying is the whole change");
        S settings = freshWorkload();
        DeployOrder order = order(initialImage());
        target().apply(settings, order).await().atMost(Duration.ofSeconds(30));
        String failure = rollOutUnhealthy(settings);

        Verification verification = target().verify(settings, order, Duration.ofSeconds(20)).await().atMost(Duration.ofSeconds(30));
        assertFalse(verification.succeeded());
        assertNotNull(verification.reason());
        assertTrue(verification.reason().contains(failure), "passes on \"" + failure + "\": " + verification.reason());
    }

    @Test
    void verifyFailsWhenTheRolloutDoesNotFinishBeforeTheDeadline() throws Exception {
        Assumptions.assumeTrue(watchesRollouts(), "this target has no rollout to watch: applying is the whole change");
        S settings = freshWorkload();
        DeployOrder order = order(initialImage());
        target().apply(settings, order).await().atMost(Duration.ofSeconds(30));

        Verification verification = target().verify(settings, order, Duration.ofMillis(400)).await().atMost(Duration.ofSeconds(30));
        assertFalse(verification.succeeded());
        assertTrue(verification.reason().contains("before the deadline"), verification.reason());
    }

    @Test
    void applyToAnUnreachableEndpointFailsNamingTheTargetAndNoSecret() throws Exception {
        S settings = unreachableWorkload();
        TargetException failure = assertThrows(TargetException.class,
                () -> targetForUnreachable().apply(settings, order(null)).await().atMost(Duration.ofSeconds(60)));
        assertTrue(failure.getMessage().contains(nameIn(settings)), "names " + nameIn(settings) + ": " + failure.getMessage());
        for (String secret : secretsIn(settings)) {
            assertFalse(failure.getMessage().contains(secret), "shows a secret: " + failure.getMessage());
        }
    }
}
