package io.wharf.deployer.rule;

import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import org.semver4j.Semver;
import org.semver4j.range.RangeList;
import org.semver4j.range.RangeListFactory;

import io.wharf.reference.Glob;
import io.wharf.reference.InvalidPatternException;
import io.wharf.reference.RepositoryNames;
import io.wharf.reference.TagRegex;

/**
 * Which tags of a repository a rule deploys.
 * <ul>
 * <li>{@code EXACT}: the tag itself ({@code stable}).</li>
 * <li>{@code GLOB}: a {@link Glob} ({@code release-*}): {@code *} any run of characters, {@code ?} one
 * character (tags contain no {@code /}, so {@code **} means the same as {@code *}).</li>
 * <li>{@code REGEX}: a {@link TagRegex} (RE2 syntax, matched in linear time) that must match the whole tag;
 * backreferences, lookaround, atomic groups and possessive quantifiers are refused, naming the construct.</li>
 * <li>{@code SEMVER}: an npm-style range ({@code ^1.2.0}, {@code ~1.4}, {@code >=2.0.0 <3}); tags may carry
 * a {@code v} prefix. A pre-release tag matches only when the range names a pre-release of the same
 * major.minor.patch ({@code >=1.3.0-rc.1} matches {@code 1.3.0-rc.2}, not {@code 1.4.0-rc.1}), as npm does.
 * Versions are ordered, which is what the downgrade guard compares.</li>
 * </ul>
 * A stored policy that no longer parses (a regex an older version accepted with java.util.regex) is read with
 * {@link #stored}: it matches no tag, so taking events in never fails on it; {@link #problem()} says why.
 */
public final class TagPolicy {

    public enum Kind { EXACT, GLOB, REGEX, SEMVER }

    private static final Logger LOG = Logger.getLogger(TagPolicy.class);
    /** Rule id and policy of each stored policy already logged as refused. */
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    private final Kind kind;
    private final String value;
    private final Glob glob;
    private final TagRegex regex;
    private final RangeList range;
    private final String problem;

    private TagPolicy(Kind kind, String value, Glob glob, TagRegex regex, RangeList range) {
        this(kind, value, glob, regex, range, null);
    }

    private TagPolicy(Kind kind, String value, Glob glob, TagRegex regex, RangeList range, String problem) {
        this.kind = kind;
        this.value = value;
        this.glob = glob;
        this.regex = regex;
        this.range = range;
        this.problem = problem;
    }

    /**
     * A rule's stored policy: as {@link #of(Kind, String)}, but one that is no longer valid matches no tag
     * (logged once per rule and policy) rather than failing whoever reads the rule.
     */
    public static TagPolicy stored(UUID ruleId, Kind kind, String value) {
        try {
            return of(kind, value);
        } catch (DeployerException e) {
            if (REPORTED.add(ruleId + " " + kind + " " + value)) {
                LOG.warnf("deploy rule %s deploys no tag until its tag policy is changed: %s %s is refused: %s",
                        ruleId, kind, value, e.getMessage());
            }
            return new TagPolicy(kind, value, null, null, null, e.getMessage());
        }
    }

    /** Parses a policy; {@link DeployerException} (400) when it is not valid. */
    public static TagPolicy of(String kind, String value) {
        if (kind == null || value == null || value.isBlank()) {
            throw DeployerException.invalid("tagPolicy needs a kind (exact, glob, regex, semver) and a value");
        }
        Kind parsed;
        try {
            parsed = Kind.valueOf(kind.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw DeployerException.invalid("unknown tag policy kind " + kind + " (exact, glob, regex, semver)");
        }
        return of(parsed, value);
    }

    public static TagPolicy of(Kind kind, String value) {
        return switch (kind) {
            case EXACT -> {
                if (!RepositoryNames.isValidTag(value)) {
                    throw DeployerException.invalid("not a valid tag: " + value);
                }
                yield new TagPolicy(kind, value, null, null, null);
            }
            case GLOB -> {
                try {
                    yield new TagPolicy(kind, value, Glob.compile(value), null, null);
                } catch (InvalidPatternException e) {
                    throw DeployerException.invalid("not a valid tag pattern: " + e.getMessage());
                }
            }
            case REGEX -> {
                try {
                    yield new TagPolicy(kind, value, null, TagRegex.compile(value), null);
                } catch (InvalidPatternException e) {
                    throw DeployerException.invalid("not a valid tag regex: " + e.getMessage());
                }
            }
            case SEMVER -> new TagPolicy(kind, value, null, null, range(value));
        };
    }

    private static RangeList range(String value) {
        RangeList range;
        try {
            range = RangeListFactory.create(value.trim());
        } catch (IllegalArgumentException e) {
            throw DeployerException.invalid("not a valid semver range: " + value);
        }
        // The parser reads unknown text as "no constraint"; a range must name at least one version.
        if (range.get().isEmpty() || !value.matches(".*\\d.*") && !value.trim().equals("*")) {
            throw DeployerException.invalid("not a valid semver range: " + value);
        }
        return range;
    }

    public Kind kind() {
        return kind;
    }

    public String value() {
        return value;
    }

    /** Why this stored policy matches no tag (it is no longer valid), or null when it is valid. */
    public String problem() {
        return problem;
    }

    /** True when the rule deploys {@code tag}. */
    public boolean matches(String tag) {
        if (tag == null || problem != null) {
            return false;
        }
        return switch (kind) {
            case EXACT -> value.equals(tag);
            case GLOB -> glob.matches(tag);
            case REGEX -> regex.matches(tag);
            case SEMVER -> {
                Semver version = version(tag);
                yield version != null && range.isSatisfiedBy(version);
            }
        };
    }

    /** True when versions of this policy are ordered (semver), so the downgrade guard applies. */
    public boolean ordered() {
        return kind == Kind.SEMVER && problem == null;
    }

    /** The semantic version a tag names ({@code 1.2.3}, {@code v1.2.3-rc.1}), or null. */
    public static Semver version(String tag) {
        if (tag == null) {
            return null;
        }
        String bare = tag.startsWith("v") || tag.startsWith("V") ? tag.substring(1) : tag;
        return Semver.isValid(bare) ? new Semver(bare) : null;
    }

    /** True when tag {@code candidate} names a lower version than {@code deployed}. */
    public static boolean isDowngrade(String candidate, String deployed) {
        Semver next = version(candidate);
        Semver last = version(deployed);
        return next != null && last != null && next.isLowerThan(last);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + ":" + value;
    }
}
