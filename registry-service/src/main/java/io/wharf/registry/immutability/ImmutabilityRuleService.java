package io.wharf.registry.immutability;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.wharf.events.AuditEventData;
import io.wharf.registry.auth.Principal;
import io.wharf.registry.identity.AuditTrail;
import io.wharf.registry.identity.CallerAccess;
import io.wharf.registry.identity.RequestRefused;

/**
 * A project's tag immutability rules as the management API sees them: its members (any role but limited
 * guest) read them, its project admins and system administrators change them. Every change is checked
 * whole before anything is written, written together with its audit entry, and applies to the next push
 * on this instance at once.
 */
@ApplicationScoped
public class ImmutabilityRuleService {

    /** Audit action: a rule was created. */
    public static final String RULE_CREATED = AuditEventData.Actions.IMMUTABILITY_RULE_CREATED;
    /** Audit action: a rule was changed. */
    public static final String RULE_CHANGED = AuditEventData.Actions.IMMUTABILITY_RULE_CHANGED;
    /** Audit action: a rule was deleted. */
    public static final String RULE_DELETED = AuditEventData.Actions.IMMUTABILITY_RULE_DELETED;

    /**
     * What a request sets (the API's body); null fields take their defaults: enabled, every repository of
     * the project, include, glob syntax, signature tags exempt.
     */
    public record RuleRequest(String description, Boolean enabled, List<String> repositories, String repositoryMatch,
            List<String> tags, String tagMatch, String tagPatternSyntax, Boolean includeSignatureTags) {
    }

    private final CallerAccess access;
    private final ImmutabilityRules store;
    private final TagImmutability enforcement;
    private final Pool pool;
    private final AuditTrail audit;

    public ImmutabilityRuleService(CallerAccess access, ImmutabilityRules store, TagImmutability enforcement, Pool pool, AuditTrail audit) {
        this.access = access;
        this.store = store;
        this.enforcement = enforcement;
        this.pool = pool;
        this.audit = audit;
    }

    public Uni<List<ImmutabilityRule>> list(String project) {
        return access.project(project, CallerAccess::reads).chain(p -> store.of(project, false));
    }

    public Uni<ImmutabilityRule> create(String project, RuleRequest request) {
        Principal caller = access.signedIn();
        return access.project(project, CallerAccess::manages)
                .map(p -> new Checked(p.id(), content(project, request)))
                .chain(c -> audit.byCaller(RULE_CREATED, project).chain(entry -> pool.withTransaction(db -> store
                        .insert(db, c.projectId(), c.content(), caller.name())
                        .call(rule -> audit.record(db, described(entry, rule))))))
                .invoke(() -> enforcement.changed(project));
    }

    public Uni<ImmutabilityRule> update(String project, long id, RuleRequest request) {
        return access.project(project, CallerAccess::manages)
                .map(p -> new Checked(p.id(), content(project, request)))
                .chain(c -> audit.byCaller(RULE_CHANGED, project).chain(entry -> pool.withTransaction(db -> store
                        .update(db, c.projectId(), id, c.content())
                        .call(rule -> rule == null ? Uni.createFrom().failure(notFound(id)) : audit.record(db, described(entry, rule))))))
                .invoke(() -> enforcement.changed(project));
    }

    public Uni<Void> delete(String project, long id) {
        return access.project(project, CallerAccess::manages)
                .chain(p -> audit.byCaller(RULE_DELETED, project).chain(entry -> pool.withTransaction(db -> store.find(db, p.id(), id)
                        .call(rule -> rule == null ? Uni.createFrom().failure(notFound(id))
                                : store.delete(db, p.id(), id).chain(() -> audit.record(db, described(entry, rule)))))))
                .invoke(() -> enforcement.changed(project))
                .replaceWithVoid();
    }

    /** A change the caller may make, checked whole. */
    private record Checked(long projectId, ImmutabilityRules.Content content) {
    }

    private static RequestRefused notFound(long id) {
        return RequestRefused.notFound("immutability rule " + id);
    }

    private static AuditEventData.Builder described(AuditEventData.Builder entry, ImmutabilityRule rule) {
        return entry.subject("immutability-rule:" + rule.id())
                .summary("rule", rule.summary())
                .summary("enabled", rule.enabled());
    }

    /** The request checked whole; refused (400) naming the field, before anything is written. */
    private static ImmutabilityRules.Content content(String project, RuleRequest r) {
        if (r == null) {
            throw RequestRefused.invalid("a body is required");
        }
        if (r.description() != null && r.description().length() > ImmutabilityRule.MAX_DESCRIPTION) {
            throw RequestRefused.invalid("description must be at most " + ImmutabilityRule.MAX_DESCRIPTION + " characters");
        }
        try {
            boolean repositoriesExcluded = ImmutabilityRule.excludes("repositoryMatch", r.repositoryMatch());
            boolean tagsExcluded = ImmutabilityRule.excludes("tagMatch", r.tagMatch());
            if (repositoriesExcluded && (r.repositories() == null || r.repositories().isEmpty())) {
                throw RequestRefused.invalid("repositories must list the repositories to exclude when repositoryMatch is exclude");
            }
            ImmutabilityRule.Compiled patterns = ImmutabilityRule.compile(project, r.repositories(), r.tags(), r.tagPatternSyntax());
            String description = r.description() == null || r.description().isBlank() ? null : r.description().strip();
            return new ImmutabilityRules.Content(description, r.enabled() == null || r.enabled(), patterns, repositoriesExcluded,
                    tagsExcluded, Boolean.TRUE.equals(r.includeSignatureTags()));
        } catch (ImmutabilityRule.Rejected e) {
            throw RequestRefused.invalid(e.getMessage());
        }
    }
}
