package io.wharf.registry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * The pull-limit model of one instance, before any count is shared (the sharing through PostgreSQL
 * is PullLimitTest's): which limits apply to whom, and which one binds.
 */
class PullLimiterTest {

    private static AuthConfig.RateLimit limits(int anonymous, int authenticated, int daily, int robots) {
        return new AuthConfig.RateLimit() {
            public int anonymous() {
                return anonymous;
            }

            public int authenticated() {
                return authenticated;
            }

            public int authenticatedDaily() {
                return daily;
            }

            public int robotsPerProject() {
                return robots;
            }

            public Duration window() {
                return Duration.ofHours(6);
            }

            public Duration syncInterval() {
                return Duration.ofSeconds(1);
            }
        };
    }

    private static PullLimiter limiter(AuthConfig.RateLimit limits) {
        return new PullLimiter(limits, null, null);
    }

    @Test
    void theDailyCapBindsWhenItIsTighterThanTheWindow() {
        PullLimiter limiter = limiter(limits(100, 5, 3, 0));
        PullLimiter.Subject alice = limiter.subject(Principal.user(1, "alice", false), "10.0.0.1");
        assertEquals("alice", alice.source());
        PullLimiter.Quota first = limiter.pull(alice);
        assertEquals("3;w=86400", first.limitHeader());
        assertEquals(2, first.remaining());
        limiter.pull(alice);
        limiter.pull(alice);
        PullLimiter.Quota refused = limiter.pull(alice);
        assertFalse(refused.allowed());
        assertEquals("0;w=86400", refused.remainingHeader());
        PullLimiter.Quota look = limiter.peek(alice);
        assertFalse(look.allowed());
        assertEquals("3;w=86400", look.limitHeader());
    }

    @Test
    void theWindowBindsWhenItIsTighter() {
        PullLimiter limiter = limiter(limits(100, 2, 5000, 0));
        PullLimiter.Subject bob = limiter.subject(Principal.user(2, "bob", false), null);
        assertEquals("2;w=21600", limiter.pull(bob).limitHeader());
        assertTrue(limiter.pull(bob).allowed());
        assertFalse(limiter.pull(bob).allowed());
    }

    @Test
    void adminsAreUnlimitedAndRobotsShareTheirProjectsBudget() {
        PullLimiter limiter = limiter(limits(100, 200, 5000, 2));
        assertNull(limiter.subject(Principal.user(3, "root", true), null));
        PullLimiter.Subject one = limiter.subject(Principal.robot(4, "robot$ci+one", "ci", Set.of(Action.PULL), null), null);
        PullLimiter.Subject two = limiter.subject(Principal.robot(5, "robot$ci+two", "ci", Set.of(Action.PULL), null), null);
        assertEquals("project:ci", one.source());
        assertTrue(limiter.pull(one).allowed());
        assertTrue(limiter.pull(two).allowed());
        assertFalse(limiter.pull(one).allowed(), "the second robot used the project's last pull");
        assertNull(limiter(limits(100, 200, 5000, 0)).subject(Principal.robot(4, "robot$ci+one", "ci", Set.of(Action.PULL), null), null),
                "0 makes robots unlimited, when an administrator says so");
    }

    @Test
    void anIpv6AddressCountsAsItsSlash64() {
        PullLimiter limiter = limiter(limits(2, 200, 5000, 0));
        PullLimiter.Subject a = limiter.subject(Principal.ANONYMOUS, "2001:db8:1:2:aaaa::1");
        PullLimiter.Subject b = limiter.subject(Principal.ANONYMOUS, "2001:db8:1:2:ffff:ffff:ffff:ffff");
        PullLimiter.Subject elsewhere = limiter.subject(Principal.ANONYMOUS, "2001:db8:1:3::1");
        assertEquals("2001:db8:1:2::/64", a.source());
        assertTrue(limiter.pull(a).allowed());
        assertTrue(limiter.pull(b).allowed());
        assertFalse(limiter.pull(a).allowed(), "one /64 is one client");
        assertTrue(limiter.pull(elsewhere).allowed());
        assertEquals("192.0.2.7", ClientAddress.key("::ffff:192.0.2.7"));
        assertEquals("192.0.2.7", ClientAddress.key("192.0.2.7"));
    }
}
