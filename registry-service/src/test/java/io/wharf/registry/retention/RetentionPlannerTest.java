package io.wharf.registry.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.wharf.registry.retention.RetentionPlanner.Artifact;
import io.wharf.registry.retention.RetentionPlanner.Protections;

/** The planner alone: what a run stopped half way would leave, and graphs the HTTP tests do not build. */
class RetentionPlannerTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    private static Artifact artifact(String digest, int minutesAgo, List<String> tags, String subject, String... children) {
        Instant t = NOW.minus(Duration.ofMinutes(minutesAgo));
        return new Artifact(digest, tags, t, null, t, subject, List.of(children));
    }

    @Test
    void deletesIndexesBeforeTheirChildrenAndSubjectsBeforeTheirReferrers() {
        List<Artifact> all = List.of(
                artifact("child", 50, List.of(), null),
                artifact("sig", 40, List.of(), "outer"),
                artifact("inner", 45, List.of(), null, "child"),
                artifact("outer", 30, List.of("old"), null, "inner"),
                artifact("new", 1, List.of("new"), null));
        RetentionPlanner.Plan plan = RetentionPlanner.retention("app", all,
                List.of(new RetentionRule(RetentionRule.Kind.LATEST_PUSHED, 1, RetentionRule.Selector.ALL, RetentionRule.Selector.ALL, false)),
                Protections.NONE, NOW);
        List<String> order = plan.deletionOrder();
        assertEquals(4, order.size(), order.toString());
        assertTrue(order.indexOf("outer") < order.indexOf("inner") && order.indexOf("inner") < order.indexOf("child"), order.toString());
        assertTrue(order.indexOf("outer") < order.indexOf("sig"), order.toString());
    }

    @Test
    void aProtectedChildKeepsItselfButNotItsIndexAndAnImmutableTagKeepsItsArtifact() {
        List<Artifact> all = List.of(
                artifact("child", 50, List.of(), null),
                artifact("index", 40, List.of("v1"), null, "child"),
                artifact("frozen", 30, List.of("v2", "release"), null),
                artifact("new", 1, List.of("v3"), null));
        RetentionPlanner.Plan plan = RetentionPlanner.retention("app", all,
                List.of(new RetentionRule(RetentionRule.Kind.LATEST_PUSHED, 1, RetentionRule.Selector.ALL, RetentionRule.Selector.ALL, false)),
                new Protections(Map.of("child", "deployed"), Map.of("release", "immutable: releases")), NOW);
        Map<String, String> actions = new java.util.HashMap<>();
        plan.decisions().forEach(d -> actions.put(d.digest(), d.action() + " " + d.reason()));
        assertEquals(Map.of("child", "KEEP deployed", "index", "DELETE kept by no rule", "frozen", "KEEP immutable: releases",
                "new", "KEEP rule 1 (latestPushed 1)"), actions);
        RetentionPlanner.Decision frozen = plan.decisions().get(2);
        assertEquals("artifact kept: immutable: releases", frozen.tags().get(0).reason(), "v2");
        assertEquals("immutable: releases", frozen.tags().get(1).reason(), "release");
    }

    @Test
    void indexCyclesEndTheClosure() {
        List<Artifact> all = List.of(artifact("a", 10, List.of("a"), null, "b"), artifact("b", 10, List.of(), null, "a"));
        RetentionPlanner.Plan plan = RetentionPlanner.untagged(all, Duration.ZERO, Protections.NONE, NOW);
        assertTrue(plan.deletionOrder().isEmpty());
    }
}
