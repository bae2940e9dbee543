package io.wharf.registry.retention;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.wharf.reference.Glob;
import io.wharf.reference.InvalidPatternException;
import io.wharf.registry.identity.RequestRefused;

/**
 * One keep-rule of a project's retention policy (Harbor's model): among the artifacts its selectors
 * pick in a repository (its candidates), the rule keeps those its kind says. Whatever no rule keeps
 * and no protection holds goes, if it is in scope.
 *
 * <ul>
 *   <li>{@code repositories}: which repositories of the project the rule applies to, a {@link Glob} over the
 *       name after the project ({@code **}, {@code api}, {@code team/*}); {@code exclude} inverts it. A
 *       repository matched by any rule is in scope: its tagged artifacts can go.</li>
 *   <li>{@code tags}: which tags make an artifact a candidate, a {@link Glob}; {@code exclude} inverts it.
 *       Matching is per tag: one matching tag makes the artifact a candidate, and a kept artifact keeps
 *       all its tags.</li>
 *   <li>{@code untagged}: untagged artifacts of the repository are candidates of this rule too, and so in
 *       scope (without any rule saying so they are never deleted by retention).</li>
 *   <li>{@code kind} and {@code count}: {@code latestPushed} and {@code latestPulled} keep the {@code count}
 *       most recently pushed / pulled candidates per repository; {@code pushedWithinDays} and
 *       {@code pulledWithinDays} those pushed / pulled in the last {@code count} days; {@code always} all
 *       candidates ({@code count} unused).</li>
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RetentionRule(Kind kind, Integer count, Selector repositories, Selector tags, boolean untagged) {

    /** The largest count or number of days a rule may name. */
    public static final int MAX_COUNT = 100_000;

    public enum Kind {
        LATEST_PUSHED("latestPushed"),
        LATEST_PULLED("latestPulled"),
        PUSHED_WITHIN_DAYS("pushedWithinDays"),
        PULLED_WITHIN_DAYS("pulledWithinDays"),
        ALWAYS("always");

        /** The kind of a wire name; null for a name that is none (validation then says which are). */
        @JsonCreator
        public static Kind of(String wireName) {
            for (Kind k : values()) {
                if (k.wireName.equals(wireName)) {
                    return k;
                }
            }
            return null;
        }

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        @JsonValue
        public String wireName() {
            return wireName;
        }
    }

    /** A pattern that includes or, with {@code exclude}, excludes what it matches. */
    public record Selector(String pattern, boolean exclude) {

        /** Every repository or tag. */
        public static final Selector ALL = new Selector("**", false);

        @JsonIgnore
        public Glob glob() {
            return Glob.compile(pattern);
        }
    }

    /** The rule with its defaults filled in (selectors: everything), checked; RequestRefused (400) naming the rule otherwise. */
    public RetentionRule validated(int index) {
        String at = "rules[" + index + "]";
        if (kind == null) {
            throw RequestRefused.invalid(at + ".kind must be one of latestPushed, latestPulled, pushedWithinDays, pulledWithinDays, always");
        }
        Integer n = count;
        if (kind == Kind.ALWAYS) {
            n = null;
        } else if (count == null || count < 1 || count > MAX_COUNT) {
            throw RequestRefused.invalid(at + ".count must be 1 to " + MAX_COUNT + " for " + kind.wireName());
        }
        return new RetentionRule(kind, n, selector(at + ".repositories", repositories), selector(at + ".tags", tags), untagged);
    }

    private static Selector selector(String at, Selector s) {
        if (s == null) {
            return Selector.ALL;
        }
        if (s.pattern() == null || s.pattern().isBlank()) {
            throw RequestRefused.invalid(at + ".pattern is required (a glob such as ** or v*)");
        }
        try {
            Glob.compile(s.pattern());
        } catch (InvalidPatternException e) {
            throw RequestRefused.invalid(at + ".pattern: " + e.getMessage());
        }
        return s;
    }

    /** How the report names the rule: {@code rule 1 (latestPushed 3, tags v*)}. */
    public String describe(int index) {
        StringBuilder b = new StringBuilder("rule ").append(index + 1).append(" (").append(kind.wireName());
        if (count != null) {
            b.append(' ').append(count);
        }
        if (!Selector.ALL.equals(repositories)) {
            b.append(", repositories ").append(repositories.exclude() ? "except " : "").append(repositories.pattern());
        }
        if (!Selector.ALL.equals(tags)) {
            b.append(", tags ").append(tags.exclude() ? "except " : "").append(tags.pattern());
        }
        if (untagged) {
            b.append(", untagged");
        }
        return b.append(')').toString();
    }
}
