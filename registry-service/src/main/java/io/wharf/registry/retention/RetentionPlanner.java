package io.wharf.registry.retention;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.wharf.reference.Glob;

/**
 * Decides, for one repository, which artifacts (manifests) stay and which go: a pure function of the
 * repository's manifests, the rules and the protections, shared by dry runs and real runs, by
 * retention and by untagged cleanup.
 *
 * <p>What is kept (first reason wins in the report):
 * <ol>
 *   <li>protections, whatever the rules say: a digest a deployment runs or may roll back to, an artifact
 *       with an immutable tag;</li>
 *   <li>retention: what a rule keeps (see {@link RetentionRule}), and what is not in scope: tagged
 *       artifacts of repositories no rule selects, untagged ones unless a rule selecting the repository
 *       takes untagged artifacts. Untagged cleanup: every tagged artifact, and untagged ones active
 *       (pushed, pulled, untagged) within the grace period;</li>
 *   <li>what a kept artifact needs, to closure: the children of a kept index, the referrers (signatures,
 *       SBOMs) of a kept artifact, and the subject of a kept referrer.</li>
 * </ol>
 * Everything else is deleted, whole: the manifest and every tag on it. An untagged child of an index or an
 * untagged referrer of an artifact in the repository is never judged on its own: it stays exactly when
 * something it belongs to stays. {@link Plan#deletionOrder()} lists the deletions parents first, so that
 * a run stopped half way never leaves a kept index without a child.
 */
public final class RetentionPlanner {

    /** A manifest of the repository as the planner sees it. */
    public record Artifact(String digest, List<String> tags, Instant pushedAt, Instant lastPulledAt, Instant lastActivity,
                           String subject, List<String> children) {

        boolean tagged() {
            return !tags.isEmpty();
        }
    }

    public enum Action { KEEP, DELETE }

    public record TagDecision(String tag, Action action, String reason) {
    }

    public record Decision(String digest, Action action, String reason, List<TagDecision> tags) {
    }

    /** The decisions, one per artifact in the order given, and the digests to delete, parents first. */
    public record Plan(List<Decision> decisions, List<String> deletionOrder) {
    }

    /** What no rule may delete: digests (deployed) and tags (immutable), each with the reason. */
    public record Protections(Map<String, String> digests, Map<String, String> tags) {
        public static final Protections NONE = new Protections(Map.of(), Map.of());
    }

    static final String OUT_OF_SCOPE = "not in scope of any rule";
    static final String NO_RULE = "kept by no rule";
    static final String TAGGED = "tagged";
    static final String WITHIN_GRACE = "untagged within the grace period";
    static final String UNTAGGED = "untagged longer than the grace period";

    private RetentionPlanner() {
    }

    /**
     * Retention of the repository named {@code name} within its project ({@code api} of {@code acme/api}),
     * as of {@code now}.
     */
    public static Plan retention(String name, List<Artifact> artifacts, List<RetentionRule> rules, Protections protections, Instant now) {
        Graph g = new Graph(artifacts);
        Map<String, String> roots = new LinkedHashMap<>();
        Map<String, Map<String, String>> tagReasons = new HashMap<>();
        protect(g, protections, roots, tagReasons);
        List<Integer> applying = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            if (selects(rules.get(i).repositories(), name)) {
                applying.add(i);
            }
        }
        boolean untaggedInScope = applying.stream().anyMatch(i -> rules.get(i).untagged());
        for (int i : applying) {
            RetentionRule rule = rules.get(i);
            String why = rule.describe(i);
            List<Artifact> candidates = new ArrayList<>();
            for (Artifact a : artifacts) {
                if (a.tagged() ? a.tags().stream().anyMatch(t -> selects(rule.tags(), t)) : rule.untagged() && !g.dependent(a)) {
                    candidates.add(a);
                }
            }
            for (Artifact a : keeps(rule, candidates, now)) {
                roots.putIfAbsent(a.digest(), why);
                for (String t : a.tags()) {
                    if (selects(rule.tags(), t)) {
                        tagReasons.computeIfAbsent(a.digest(), d -> new HashMap<>()).putIfAbsent(t, why);
                    }
                }
            }
        }
        for (Artifact a : artifacts) {
            boolean inScope = a.tagged() ? !applying.isEmpty() : untaggedInScope || g.dependent(a);
            if (!inScope) {
                roots.putIfAbsent(a.digest(), OUT_OF_SCOPE);
            }
        }
        return decide(g, roots, tagReasons, NO_RULE);
    }

    /** Untagged cleanup: untagged artifacts with no activity since {@code now - grace} go, protections and closure apart. */
    public static Plan untagged(List<Artifact> artifacts, Duration grace, Protections protections, Instant now) {
        Graph g = new Graph(artifacts);
        Map<String, String> roots = new LinkedHashMap<>();
        Map<String, Map<String, String>> tagReasons = new HashMap<>();
        protect(g, protections, roots, tagReasons);
        Instant cutoff = now.minus(grace);
        for (Artifact a : artifacts) {
            if (a.tagged()) {
                roots.putIfAbsent(a.digest(), TAGGED);
            } else if (a.lastActivity() != null && a.lastActivity().isAfter(cutoff)) {
                roots.putIfAbsent(a.digest(), WITHIN_GRACE);
            }
        }
        return decide(g, roots, tagReasons, UNTAGGED);
    }

    private static void protect(Graph g, Protections protections, Map<String, String> roots, Map<String, Map<String, String>> tagReasons) {
        for (Artifact a : g.artifacts) {
            String deployed = protections.digests().get(a.digest());
            if (deployed != null) {
                roots.putIfAbsent(a.digest(), deployed);
            }
            for (String t : a.tags()) {
                String immutable = protections.tags().get(t);
                if (immutable != null) {
                    roots.putIfAbsent(a.digest(), immutable);
                    tagReasons.computeIfAbsent(a.digest(), d -> new HashMap<>()).putIfAbsent(t, immutable);
                }
            }
        }
    }

    /** The candidates a rule keeps. Ties in time go to the artifact later in the list (pushed later). */
    static List<Artifact> keeps(RetentionRule rule, List<Artifact> candidates, Instant now) {
        Comparator<Artifact> byPush = Comparator.comparing(Artifact::pushedAt);
        Comparator<Artifact> byPull = Comparator.comparing(Artifact::lastPulledAt, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(byPush);
        return switch (rule.kind()) {
            case ALWAYS -> candidates;
            case LATEST_PUSHED -> latest(candidates, byPush, rule.count());
            case LATEST_PULLED -> latest(candidates, byPull, rule.count());
            case PUSHED_WITHIN_DAYS -> candidates.stream().filter(a -> !a.pushedAt().isBefore(now.minus(Duration.ofDays(rule.count())))).toList();
            case PULLED_WITHIN_DAYS -> candidates.stream()
                    .filter(a -> a.lastPulledAt() != null && !a.lastPulledAt().isBefore(now.minus(Duration.ofDays(rule.count())))).toList();
        };
    }

    private static List<Artifact> latest(List<Artifact> candidates, Comparator<Artifact> order, int n) {
        List<Integer> index = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            index.add(i);
        }
        index.sort(Comparator.<Integer, Artifact>comparing(candidates::get, order).thenComparing(Comparator.naturalOrder()));
        List<Integer> newest = index.subList(Math.max(0, index.size() - n), index.size());
        return newest.stream().map(candidates::get).toList();
    }

    /** Compiled patterns, shared by all plans (patterns are at most Glob.MAX_LENGTH characters; the cache is bounded). */
    private static final Map<String, Glob> GLOBS = new ConcurrentHashMap<>();
    private static final int MAX_CACHED_GLOBS = 10_000;

    static boolean selects(RetentionRule.Selector selector, String value) {
        Glob glob = GLOBS.get(selector.pattern());
        if (glob == null) {
            glob = selector.glob();
            if (GLOBS.size() < MAX_CACHED_GLOBS) {
                GLOBS.put(selector.pattern(), glob);
            }
        }
        return glob.matches(value) != selector.exclude();
    }

    private static Plan decide(Graph g, Map<String, String> roots, Map<String, Map<String, String>> tagReasons, String deleted) {
        Map<String, String> kept = g.closure(roots);
        List<Decision> decisions = new ArrayList<>();
        Set<String> doomed = new HashSet<>();
        for (Artifact a : g.artifacts) {
            String reason = kept.get(a.digest());
            Action action = reason == null ? Action.DELETE : Action.KEEP;
            if (reason == null) {
                doomed.add(a.digest());
                reason = deleted;
            }
            List<TagDecision> tags = new ArrayList<>();
            for (String t : a.tags()) {
                String own = tagReasons.getOrDefault(a.digest(), Map.of()).get(t);
                tags.add(new TagDecision(t, action, action == Action.DELETE ? deleted : own != null ? own : "artifact kept: " + reason));
            }
            decisions.add(new Decision(a.digest(), action, reason, tags));
        }
        return new Plan(decisions, g.parentsFirst(doomed));
    }

    /** The repository's manifests with their links: index to child, subject to referrer. */
    private static final class Graph {
        final List<Artifact> artifacts;
        final Map<String, Artifact> byDigest = new HashMap<>();
        final Map<String, List<String>> referrers = new HashMap<>();
        final Set<String> children = new HashSet<>();

        Graph(List<Artifact> artifacts) {
            this.artifacts = artifacts;
            artifacts.forEach(a -> byDigest.put(a.digest(), a));
            for (Artifact a : artifacts) {
                a.children().stream().filter(byDigest::containsKey).forEach(children::add);
                if (a.subject() != null && byDigest.containsKey(a.subject())) {
                    referrers.computeIfAbsent(a.subject(), s -> new ArrayList<>()).add(a.digest());
                }
            }
        }

        /** An untagged manifest that belongs to another of the repository: an index's child, a present subject's referrer. */
        boolean dependent(Artifact a) {
            return !a.tagged() && (children.contains(a.digest()) || a.subject() != null && byDigest.containsKey(a.subject()));
        }

        /** The kept digests with the reason of each: the roots and what they need. */
        Map<String, String> closure(Map<String, String> roots) {
            Map<String, String> kept = new LinkedHashMap<>(roots);
            Deque<String> work = new ArrayDeque<>(roots.keySet());
            while (!work.isEmpty()) {
                Artifact a = byDigest.get(work.pop());
                if (a == null) {
                    continue;
                }
                for (String child : a.children()) {
                    keep(kept, work, child, "child of kept index " + a.digest());
                }
                for (String referrer : referrers.getOrDefault(a.digest(), List.of())) {
                    keep(kept, work, referrer, "referrer of kept " + a.digest());
                }
                if (a.subject() != null) {
                    keep(kept, work, a.subject(), "subject of kept referrer " + a.digest());
                }
            }
            return kept;
        }

        private void keep(Map<String, String> kept, Deque<String> work, String digest, String reason) {
            if (byDigest.containsKey(digest) && kept.putIfAbsent(digest, reason) == null) {
                work.push(digest);
            }
        }

        /** The doomed digests, each after every doomed index that lists it and every doomed subject it refers to. */
        List<String> parentsFirst(Set<String> doomed) {
            Map<String, List<String>> parents = new HashMap<>();
            for (Artifact a : artifacts) {
                if (!doomed.contains(a.digest())) {
                    continue;
                }
                for (String child : a.children()) {
                    if (doomed.contains(child)) {
                        parents.computeIfAbsent(child, c -> new ArrayList<>()).add(a.digest());
                    }
                }
                if (a.subject() != null && doomed.contains(a.subject())) {
                    parents.computeIfAbsent(a.digest(), c -> new ArrayList<>()).add(a.subject());
                }
            }
            List<String> order = new ArrayList<>();
            Set<String> placed = new HashSet<>();
            Set<String> visiting = new HashSet<>();
            for (Artifact a : artifacts) {
                if (doomed.contains(a.digest())) {
                    place(a.digest(), parents, placed, visiting, order);
                }
            }
            return order;
        }

        private static void place(String digest, Map<String, List<String>> parents, Set<String> placed, Set<String> visiting, List<String> order) {
            if (placed.contains(digest) || !visiting.add(digest)) {
                return;
            }
            for (String parent : parents.getOrDefault(digest, List.of())) {
                place(parent, parents, placed, visiting, order);
            }
            placed.add(digest);
            order.add(digest);
        }
    }
}
