package io.wharf.deployer.targets;

/**
 * Outcome of watching a change.
 *
 * @param succeeded    the target is available and runs the new image
 * @param reason       human-readable detail (why it failed, or how it became available)
 * @param runningImage the image the target reports running at the end, when known
 */
public record Verification(boolean succeeded, String reason, String runningImage) {

    public static Verification success(String reason, String runningImage) {
        return new Verification(true, reason, runningImage);
    }

    public static Verification failure(String reason, String runningImage) {
        return new Verification(false, reason, runningImage);
    }
}
