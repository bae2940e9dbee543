package io.wharf.deployer.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.wharf.deployer.deployment.BatchPlan.Existing;
import io.wharf.deployer.deployment.BatchPlan.Superseded;
import io.wharf.deployer.deployment.Deployment.State;

/** A batch plans what its events would have planned one after the other. */
class BatchPlanTest {

    private static final UUID RULE = UUID.randomUUID();
    private static final UUID OTHER_RULE = UUID.randomUUID();

    private static Deployment proposed(UUID rule, String digest, String tag, State state) {
        Deployment d = new Deployment();
        d.id = UUID.randomUUID();
        d.ruleId = rule;
        d.digest = digest;
        d.tag = tag;
        d.state = state;
        return d;
    }

    /** The plan of the proposed deployments, in order, over the existing ones. */
    private static BatchPlan plan(List<Existing> existing, Deployment... proposed) {
        BatchPlan plan = new BatchPlan(existing);
        for (Deployment d : proposed) {
            plan.add(d);
        }
        return plan;
    }

    private static List<String> states(List<Deployment> rows) {
        return rows.stream().map(d -> d.digest + ":" + d.state).toList();
    }

    @Test
    void theLatestOfABurstWaitsAndSupersedesTheOnesBeforeIt() {
        BatchPlan plan = plan(List.of(), proposed(RULE, "a", "1", State.WAITING), proposed(RULE, "b", "2", State.WAITING),
                proposed(RULE, "c", "3", State.WAITING));

        assertEquals(List.of("a:SUPERSEDED", "b:SUPERSEDED", "c:WAITING"), states(plan.rows()));
        assertEquals("superseded by b (2)", plan.rows().get(0).reason);
        assertEquals("superseded by c (3)", plan.rows().get(1).reason);
    }

    @Test
    void aDigestThatCountsIsNotPlannedAgainAndSupersedesNothing() {
        UUID waiting = UUID.randomUUID();
        BatchPlan plan = plan(List.of(new Existing(UUID.randomUUID(), RULE, "done", State.SUCCEEDED),
                new Existing(waiting, RULE, "queued", State.WAITING)),
                proposed(RULE, "done", "1", State.WAITING), proposed(RULE, "queued", "2", State.WAITING));

        assertEquals(List.of(), plan.rows());
        assertEquals(List.of(), plan.superseded());
    }

    @Test
    void aNewDigestSupersedesWhatHasNotStartedThenFreesItsDigest() {
        UUID waiting = UUID.randomUUID();
        UUID awaiting = UUID.randomUUID();
        BatchPlan plan = plan(List.of(new Existing(waiting, RULE, "a", State.WAITING),
                new Existing(awaiting, RULE, "x", State.AWAITING_APPROVAL),
                new Existing(UUID.randomUUID(), RULE, "applying", State.APPLYING)),
                proposed(RULE, "b", null, State.WAITING), proposed(RULE, "a", "again", State.WAITING),
                proposed(RULE, "applying", "3", State.WAITING));

        assertEquals(List.of(new Superseded(waiting, RULE, "superseded by b"), new Superseded(awaiting, RULE, "superseded by b")),
                plan.superseded());
        assertEquals(List.of("b:SUPERSEDED", "a:WAITING"), states(plan.rows()));
        assertEquals("superseded by a (again)", plan.rows().get(0).reason);
    }

    @Test
    void oneDigestUnderSeveralTagsIsPlannedOnce() {
        BatchPlan plan = plan(List.of(), proposed(RULE, "a", "1.4", State.WAITING), proposed(RULE, "a", "v1.4", State.WAITING),
                proposed(RULE, "a", "stable", State.WAITING));

        assertEquals(List.of("a:WAITING"), states(plan.rows()));
    }

    @Test
    void skippedDeploymentsAreRecordedAndRulesKeepTheirOwnQueues() {
        BatchPlan plan = plan(List.of(), proposed(RULE, "b", "1", State.AWAITING_APPROVAL),
                proposed(OTHER_RULE, "b", "1", State.WAITING), proposed(RULE, "a", "0.9", State.SKIPPED),
                proposed(OTHER_RULE, "c", "2", State.WAITING));

        assertEquals(List.of("b:AWAITING_APPROVAL", "b:SUPERSEDED", "a:SKIPPED", "c:WAITING"), states(plan.rows()));
    }

    @Test
    void aPushAnnouncedByTwoEventsIsSkippedOnce() {
        BatchPlan plan = plan(List.of(), proposed(RULE, "a", "0.9.0", State.SKIPPED), proposed(RULE, "a", "0.9.0", State.SKIPPED),
                proposed(OTHER_RULE, "a", "0.9.0", State.SKIPPED));

        assertEquals(List.of("a:SKIPPED", "a:SKIPPED"), states(plan.rows()));
        assertEquals(List.of(RULE, OTHER_RULE), plan.rows().stream().map(d -> d.ruleId).toList());
    }

    @Test
    void aDigestSkippedOrDeployedBeforeIsNotSkippedAgain() {
        BatchPlan plan = plan(List.of(new Existing(UUID.randomUUID(), RULE, "skipped", State.SKIPPED),
                new Existing(UUID.randomUUID(), RULE, "done", State.SUCCEEDED)),
                proposed(RULE, "skipped", "1", State.SKIPPED), proposed(RULE, "done", "2", State.SKIPPED));

        assertEquals(List.of(), plan.rows());
    }

    @Test
    void aDigestSkippedBeforeIsPlannedOnceWhatSkippedItIsGone() {
        BatchPlan plan = plan(List.of(new Existing(UUID.randomUUID(), RULE, "a", State.SKIPPED)),
                proposed(RULE, "a", "1", State.WAITING), proposed(RULE, "a", "1", State.WAITING));

        assertEquals(List.of("a:WAITING"), states(plan.rows()));
    }
}
