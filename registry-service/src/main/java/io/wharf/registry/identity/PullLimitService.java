package io.wharf.registry.identity;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.wharf.events.AuditEventData.Actions;
import io.wharf.registry.auth.Identities;
import io.wharf.registry.auth.Principal;
import io.wharf.registry.auth.PullLimitOverrides;
import io.wharf.registry.auth.PullLimiter;

/**
 * The pull limits of one account, or of one project's robots together, as system administrators see
 * and set them (an unlimited CI account, a bigger budget for a busy project's robots). A change takes
 * effect at once on this instance and within a sync interval on the others.
 */
@ApplicationScoped
public class PullLimitService {

    /** The limits in force (a null limit is unlimited), the window the per-window one counts over, and whether an administrator set them. */
    public record Limits(Integer perWindow, Integer perDay, Duration window, boolean overridden) {
    }

    private final CallerAccess access;
    private final Identities identities;
    private final PullLimitOverrides store;
    private final PullLimiter limiter;
    private final AuditTrail audit;

    public PullLimitService(CallerAccess access, Identities identities, PullLimitOverrides store, PullLimiter limiter, AuditTrail audit) {
        this.audit = audit;
        this.access = access;
        this.identities = identities;
        this.store = store;
        this.limiter = limiter;
    }

    public Uni<Limits> ofAccount(String username) {
        access.admin();
        return identities.account(username).map(a -> {
            if (a == null) {
                throw RequestRefused.notFound("user " + username);
            }
            return limits("user:" + username);
        });
    }

    /** Sets an account's limits in place of the configured ones; a null limit is unlimited. */
    public Uni<Limits> setForAccount(String username, Integer perWindow, Integer perDay) {
        Principal admin = access.admin();
        return store.setForAccount(username, new PullLimitOverrides.Override(perWindow, perDay), admin.name())
                .call(found -> changed(found, admin, null, "user:" + username, new PullLimitOverrides.Override(perWindow, perDay)))
                .chain(found -> applied(found, "user " + username, "user:" + username));
    }

    public Uni<Limits> clearForAccount(String username) {
        Principal admin = access.admin();
        return store.clearForAccount(username).call(() -> identities.account(username)
                        .chain(a -> changed(a != null, admin, null, "user:" + username, null).replaceWithVoid()))
                .chain(limiter::refreshOverrides).chain(() -> ofAccount(username));
    }

    public Uni<Limits> ofProject(String project) {
        access.admin();
        return identities.project(project).map(p -> {
            if (p == null) {
                throw RequestRefused.notFound("project " + project);
            }
            return limits("project:" + project);
        });
    }

    /** Sets the budget all robots of a project share, per window; null is unlimited. */
    public Uni<Limits> setForProject(String project, Integer perWindow) {
        Principal admin = access.admin();
        return store.setForProject(project, new PullLimitOverrides.Override(perWindow, null), admin.name())
                .call(found -> changed(found, admin, project, "project:" + project, new PullLimitOverrides.Override(perWindow, null)))
                .chain(found -> applied(found, "project " + project, "project:" + project));
    }

    public Uni<Limits> clearForProject(String project) {
        Principal admin = access.admin();
        return store.clearForProject(project).call(() -> identities.project(project)
                        .chain(p -> changed(p != null, admin, project, "project:" + project, null).replaceWithVoid()))
                .chain(limiter::refreshOverrides).chain(() -> ofProject(project));
    }

    /** The entry of a change that found its account or project; {@code set} null: the override was cleared. */
    private Uni<Boolean> changed(boolean found, Principal admin, String project, String subject, PullLimitOverrides.Override set) {
        if (!found) {
            return Uni.createFrom().item(false);
        }
        return audit.by(admin, Actions.PULL_LIMIT_CHANGED, project).chain(entry -> audit.record(entry.subject(subject)
                .summary("perWindow", set == null ? null : set.perWindow() == null ? "unlimited" : set.perWindow())
                .summary("perDay", set == null || project != null ? null : set.perDay() == null ? "unlimited" : set.perDay())
                .summary("cleared", set == null))).replaceWith(true);
    }

    private Uni<Limits> applied(boolean found, String what, String subject) {
        if (!found) {
            throw RequestRefused.notFound(what);
        }
        return limiter.refreshOverrides().map(done -> limits(subject));
    }

    private Limits limits(String subject) {
        PullLimitOverrides.Override o = limiter.limitsOf(subject);
        return new Limits(o.perWindow(), o.perDay(), limiter.window(), limiter.overridden(subject));
    }
}
