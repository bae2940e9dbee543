package io.wharf.deployer.rule;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.wharf.access.Access;
import io.wharf.intake.AuditTrail;
import io.wharf.events.AuditEventData;
import io.wharf.events.AuditEventData.Actions;
import io.wharf.deployer.targets.TargetSettings;

/**
 * Creating, changing, holding and releasing deploy rules, as the caller's rights allow. Every change, and
 * every change refused for want of rights, leaves an entry in the audit log ({@link AuditTrail}).
 */
@ApplicationScoped
public class RuleService {
    /** The most approvals a rule may require. */
    public static final int MAX_APPROVALS = 10;

    private final DeployRuleRepository rules;
    private final TargetService targets;
    private final Targets kinds;
    private final AuditTrail audit;

    public RuleService(DeployRuleRepository rules, TargetService targets, Targets kinds, AuditTrail audit) {
        this.audit = audit;
        this.rules = rules;
        this.targets = targets;
        this.kinds = kinds;
    }

    @WithSession
    public Uni<List<RuleView>> list(Access access, String project) {
        if (project != null && !access.canRead(project)) {
            return Uni.createFrom().failure(DeployerException.forbidden());
        }
        Uni<List<DeployRule>> found = project == null ? rules.list("order by createdAt") : rules.list("project = ?1 order by createdAt", project);
        return found.chain(list -> targets.names().map(names -> list.stream().filter(r -> access.canRead(r.project))
                .map(r -> view(r, names.get(r.targetId))).toList()));
    }

    @WithSession
    public Uni<RuleView> get(Access access, UUID id) {
        return readable(access, id).chain(this::view);
    }

    /** Creates a rule naming a target granted to its project, with a workload inside the grant's bounds. */
    public Uni<RuleView> create(Access access, RuleRequest request) {
        DeployRule rule = new DeployRule();
        rule.id = UUID.randomUUID();
        rule.createdBy = access.user();
        rule.createdAt = OffsetDateTime.now();
        return audited(access, Actions.RULE_CREATED, null, Panache.withTransaction(() -> apply(access, rule, request, null)
                .chain(target -> rules.persist(rule).map(saved -> view(saved, target.name)))
                .call(view -> audit.record(described(access, Actions.RULE_CREATED, view)))));
    }

    /** Replaces a rule's definition. Project moves need rights in both. */
    public Uni<RuleView> replace(Access access, UUID id, RuleRequest request) {
        return audited(access, Actions.RULE_CHANGED, id, Panache.withTransaction(() -> managed(access, id)
                .chain(rule -> apply(access, rule, request, rule).map(target -> view(rule, target.name)))
                .call(view -> audit.record(described(access, Actions.RULE_CHANGED, view)))));
    }

    public Uni<Void> delete(Access access, UUID id) {
        return audited(access, Actions.RULE_DELETED, id, Panache.withTransaction(() -> managed(access, id).call(rules::delete)
                .chain(rule -> audit.record(audit.entry(access, Actions.RULE_DELETED, rule.project, id.toString())
                        .summary("name", rule.name).summary("repository", rule.repository)))));
    }

    /** Puts the rule on hold: automatic deployments are skipped until it is released. */
    public Uni<RuleView> hold(Access access, UUID id, String reason) {
        return audited(access, Actions.RULE_CHANGED, id, Panache.withTransaction(() -> managed(access, id).map(rule -> {
            rule.hold(reason == null || reason.isBlank() ? "held by " + access.user() : reason.trim());
            rule.updatedAt = OffsetDateTime.now();
            return rule;
        }).chain(this::view).call(view -> audit.record(described(access, Actions.RULE_CHANGED, view).summary("hold", "on")))));
    }

    public Uni<RuleView> release(Access access, UUID id) {
        return audited(access, Actions.RULE_CHANGED, id, Panache.withTransaction(() -> managed(access, id).map(rule -> {
            rule.onHold = false;
            rule.holdReason = null;
            rule.heldAt = null;
            rule.updatedAt = OffsetDateTime.now();
            return rule;
        }).chain(this::view).call(view -> audit.record(described(access, Actions.RULE_CHANGED, view).summary("hold", "off")))));
    }

    /** {@code change}, then its audit entry published; a refusal (403) recorded as such, about rule {@code id}. */
    private <T> Uni<T> audited(Access access, String action, UUID id, Uni<T> change) {
        return change.call(audit::relay)
                .onFailure(DeployerException::isRefusal).call(e -> audit.refused(() -> audit.entry(access, action,
                        ((DeployerException) e).project(), id == null ? null : id.toString())));
    }

    /** What the audit log says of a rule: its definition, target by name; never the target's endpoint or secrets. */
    private AuditEventData.Builder described(Access access, String action, RuleView view) {
        return audit.entry(access, action, view.project(), view.id().toString())
                .summary("name", view.name())
                .summary("repository", view.repository())
                .summary("tagPolicy", view.tagPolicy().kind() + " " + view.tagPolicy().value())
                .summary("target", view.target().name())
                .summary("enabled", view.enabled())
                .summary("dryRun", view.dryRun())
                .summary("approvalsRequired", view.approvalsRequired());
    }

    /** The rule if the caller may read it: 404 when absent or invisible, so ids of other projects leak nothing. */
    public Uni<DeployRule> readable(Access access, UUID id) {
        return rules.findById(id).map(rule -> {
            if (rule == null || !access.canRead(rule.project)) {
                throw DeployerException.notFound("no rule " + id);
            }
            return rule;
        });
    }

    /** The rule if the caller may manage it (403 when they may only read it). */
    public Uni<DeployRule> managed(Access access, UUID id) {
        return readable(access, id).map(rule -> {
            if (!access.canManage(rule.project)) {
                throw DeployerException.forbiddenIn(rule.project);
            }
            return rule;
        });
    }

    /**
     * Checks what the request's constraints ({@link RuleRequest}, already validated) cannot say alone, the
     * target and its grant included, and writes it into {@code rule}; yields the rule's target. Nothing is
     * written unless everything is valid.
     */
    private Uni<TargetEntity> apply(Access access, DeployRule rule, RuleRequest request, DeployRule existing) {
        if (request == null) {
            throw DeployerException.invalid("a rule body is required");
        }
        RepositoryPattern repository = RepositoryPattern.of(request.repository());
        if (!access.canManage(repository.project())) {
            throw DeployerException.forbiddenIn(repository.project());
        }
        TagPolicy policy = TagPolicy.of(request.tagPolicy().kind(), request.tagPolicy().value());
        ObjectNode workload = kinds.object("workload", request.workload());
        int approvals = request.approvalsRequired() == null ? 0 : request.approvalsRequired();
        Duration debounce = DurationText.parse("debounce", request.debounce());
        Duration minInterval = DurationText.parse("minInterval", request.minInterval());
        DeployWindow window = request.window() == null ? null
                : DeployWindow.of(request.window().days(), request.window().start(), request.window().end());
        String name = request.name() == null || request.name().isBlank() ? repository.value() + " " + policy : request.name().trim();

        return targets.granted(request.target(), repository.project()).map(target -> {
            TargetSettings settings = targets.settingsFor(target, repository.project(), workload);
            if (existing != null && !existing.repository.equals(repository.value())) {
                existing.lastVersion = null;
                existing.plannedVersion = null;
            }
            if (existing != null && (existing.policyKind != policy.kind() || !existing.policy.equals(policy.value()))) {
                existing.lastVersion = null;
                existing.plannedVersion = null;
            }
            rule.name = name;
            rule.project = repository.project();
            rule.repository = repository.value();
            rule.policyKind = policy.kind();
            rule.policy = policy.value();
            rule.targetId = target.id;
            rule.targetKind = target.kind;
            rule.workload = kinds.write(kinds.get(target.kind).workload(settings));
            rule.enabled = request.enabled() == null || request.enabled();
            boolean ranDry = existing != null && existing.dryRun;
            rule.dryRun = request.dryRun() != null && request.dryRun();
            // A dry run starts from what the rule really deployed, and ends with nothing to remember.
            rule.plannedVersion = !rule.dryRun ? null : ranDry ? rule.plannedVersion : rule.lastVersion;
            rule.approvalsRequired = approvals;
            rule.debounceMs = debounce.toMillis();
            rule.minIntervalMs = minInterval.toMillis();
            rule.windowDays = window == null ? null : window.daysText();
            rule.windowStart = window == null ? null : window.start().toString();
            rule.windowEnd = window == null ? null : window.end().toString();
            rule.updatedAt = OffsetDateTime.now();
            return target;
        });
    }

    /** The rule as shown, with its target's name. */
    public Uni<RuleView> view(DeployRule rule) {
        return targets.names().map(names -> view(rule, names.get(rule.targetId)));
    }

    public RuleView view(DeployRule rule, String targetName) {
        DeployWindow window = rule.window();
        return new RuleView(rule.id, rule.name, rule.project, rule.repository,
                new RuleRequest.Policy(rule.policyKind.name().toLowerCase(Locale.ROOT), rule.policy), rule.tagPolicy().problem(),
                new RuleView.TargetRef(rule.targetId, targetName, rule.targetKind), kinds.readObject(rule.workload),
                rule.enabled, rule.dryRun, rule.approvalsRequired, DurationText.format(rule.debounceMs),
                DurationText.format(rule.minIntervalMs),
                window == null ? null : new RuleRequest.Window(window.dayNames(), rule.windowStart, rule.windowEnd),
                rule.onHold ? new RuleView.Hold(rule.holdReason, rule.heldAt) : null, rule.lastVersion,
                rule.createdBy, rule.createdAt, rule.updatedAt);
    }
}
