package io.wharf.registry.retention;

import java.util.ArrayList;
import java.util.List;

import io.wharf.registry.identity.RequestRefused;

/**
 * A project's retention policy: its keep-rules, when retention runs on its own ({@code schedule}, a
 * cron expression, or null for never), and whether untagged manifests older than
 * {@code untaggedGraceHours} are deleted ({@code deleteUntagged}, off by default).
 */
public record RetentionPolicy(List<RetentionRule> rules, String schedule, boolean deleteUntagged, int untaggedGraceHours) {

    /** At most this many rules per project. */
    public static final int MAX_RULES = 50;
    /** The longest untagged grace, one year. */
    public static final int MAX_GRACE_HOURS = 24 * 366;
    public static final int DEFAULT_GRACE_HOURS = 24;

    /** What a project without a policy has: no rules, no schedule, untagged manifests kept. */
    public static final RetentionPolicy NONE = new RetentionPolicy(List.of(), null, false, DEFAULT_GRACE_HOURS);

    /** The policy checked and with defaults filled in; RequestRefused (400) naming what is wrong otherwise. */
    public static RetentionPolicy validated(List<RetentionRule> rules, String schedule, Boolean deleteUntagged, Integer untaggedGraceHours) {
        List<RetentionRule> given = rules == null ? List.of() : rules;
        if (given.size() > MAX_RULES) {
            throw RequestRefused.invalid("rules: at most " + MAX_RULES + " rules");
        }
        List<RetentionRule> checked = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            if (given.get(i) == null) {
                throw RequestRefused.invalid("rules[" + i + "] must be a rule");
            }
            checked.add(given.get(i).validated(i));
        }
        String cron = schedule == null || schedule.isBlank() ? null : schedule.trim();
        if (cron != null) {
            Schedules.parse(cron);
        }
        int grace = untaggedGraceHours == null ? DEFAULT_GRACE_HOURS : untaggedGraceHours;
        if (grace < 0 || grace > MAX_GRACE_HOURS) {
            throw RequestRefused.invalid("untaggedGraceHours must be 0 to " + MAX_GRACE_HOURS);
        }
        return new RetentionPolicy(List.copyOf(checked), cron, Boolean.TRUE.equals(deleteUntagged), grace);
    }
}
