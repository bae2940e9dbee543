package io.wharf.notifier.subscription;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import io.wharf.events.WharfEvent;
import io.wharf.notifier.subscription.Subscription.PatternSyntax;
import io.wharf.reference.Glob;
import io.wharf.reference.InvalidPatternException;
import io.wharf.reference.TagRegex;

/**
 * Decides whether a registry event concerns a subscription: scope, event types, tag pattern. The
 * subscription's patterns are compiled once, when the matcher is made, so one matcher serves a whole
 * batch of events. Repository and tag globs are {@link Glob}s, tag regexes {@link TagRegex}es: matching
 * takes time linear in the tag, whatever the pattern says.
 *
 * <p>A stored pattern that the grammar refuses (a glob longer than {@value Glob#MAX_LENGTH} characters, a
 * regex with a backreference or lookaround: older versions accepted them) matches nothing rather than
 * failing the batch; it is logged once per subscription and pattern, and the API shows why
 * ({@link #tagPatternProblem(Subscription)}) until the subscription is given a pattern the grammar accepts.
 */
public final class SubscriptionMatcher implements Predicate<WharfEvent<?>> {

    private static final Logger LOG = Logger.getLogger(SubscriptionMatcher.class);
    private static final Predicate<String> NOTHING = value -> false;
    /** Subscription id and pattern of each refused pattern already logged. */
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    private final Subscription subscription;
    private final Predicate<String> repositories;
    private final Set<String> eventTypes;
    private final Predicate<String> tags;

    public SubscriptionMatcher(Subscription subscription) {
        this.subscription = subscription;
        this.repositories = subscription.scope == Subscription.Scope.REPOSITORY ? repositories(subscription) : null;
        this.eventTypes = subscription.eventTypes == null || subscription.eventTypes.isBlank() ? null
                : Arrays.stream(subscription.eventTypes.split(",")).collect(Collectors.toUnmodifiableSet());
        this.tags = hasTagPattern(subscription) ? tags(subscription) : null;
    }

    private static boolean hasTagPattern(Subscription subscription) {
        return subscription.tagPattern != null && !subscription.tagPattern.isBlank();
    }

    private static Predicate<String> repositories(Subscription subscription) {
        try {
            return Glob.compile(subscription.repositoryGlob)::matches;
        } catch (InvalidPatternException e) {
            return refused(subscription, "repository pattern", subscription.repositoryGlob, e);
        }
    }

    private static Predicate<String> tags(Subscription subscription) {
        try {
            return compileTagPattern(subscription);
        } catch (InvalidPatternException e) {
            return refused(subscription, "tag pattern", subscription.tagPattern, e);
        }
    }

    private static Predicate<String> compileTagPattern(Subscription subscription) {
        return subscription.tagPatternSyntax == PatternSyntax.REGEX
                ? TagRegex.compile(subscription.tagPattern)::matches
                : Glob.compile(subscription.tagPattern)::matches;
    }

    private static Predicate<String> refused(Subscription subscription, String what, String pattern, InvalidPatternException e) {
        if (REPORTED.add(subscription.id + " " + pattern)) {
            LOG.warnf("subscription %s matches no event until its %s is changed: %s is refused: %s",
                    subscription.id, what, pattern, e.getMessage());
        }
        return NOTHING;
    }

    /**
     * Why the subscription's stored tag pattern matches nothing (the grammar refuses it, naming the
     * construct), or null when it has none or the grammar accepts it.
     */
    public static String tagPatternProblem(Subscription subscription) {
        if (!hasTagPattern(subscription)) {
            return null;
        }
        try {
            compileTagPattern(subscription);
            return null;
        } catch (InvalidPatternException e) {
            return e.getMessage();
        }
    }

    public static boolean matches(Subscription subscription, WharfEvent<?> event) {
        return new SubscriptionMatcher(subscription).test(event);
    }

    /**
     * Storage events ({@code quota.*}, {@code gc.*}) go only to subscriptions that name their type: a
     * subscription made for pushes is not sent a new kind of event it never asked for. A quota event is
     * in the scope of its repository; a GC run, which concerns the whole registry, only in global
     * scope. Tag patterns do not apply: storage events name no tag.
     */
    private boolean testStorage(WharfEvent<?> event) {
        if (eventTypes == null || !eventTypes.contains(event.type().cloudEventType())) {
            return false;
        }
        String repository = event.data().repository();
        return switch (subscription.scope) {
            case GLOBAL -> true;
            case PROJECT -> repository != null && repository.startsWith(subscription.project + "/");
            case REPOSITORY -> repository != null && repositories.test(repository);
        };
    }

    public Subscription subscription() {
        return subscription;
    }

    @Override
    public boolean test(WharfEvent<?> event) {
        if (event.type().isStorageEvent()) {
            return testStorage(event);
        }
        if (!event.type().isRegistryEvent()) {
            return false;
        }
        String repository = event.data().repository();
        boolean inScope = switch (subscription.scope) {
            case GLOBAL -> true;
            case PROJECT -> repository.startsWith(subscription.project + "/");
            case REPOSITORY -> repositories.test(repository);
        };
        if (!inScope || eventTypes != null && !eventTypes.contains(event.type().cloudEventType())) {
            return false;
        }
        if (tags == null) {
            return true;
        }
        String tag = event.data().tag();
        return tag != null && tags.test(tag);
    }
}
