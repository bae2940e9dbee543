package io.wharf.deployer.rule;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.wharf.access.Access;
import io.wharf.deployer.secret.SecretSettings;
import io.wharf.deployer.targets.TargetSettings;
import io.wharf.outbound.SecretBox;

/** Creating, changing, holding and releasing deploy rules, as the caller's rights allow. */
@ApplicationScoped
public class RuleService {
    /** The most approvals a rule may require. */
    public static final int MAX_APPROVALS = 10;

    private final DeployRuleRepository rules;
    private final Targets targets;
    private final SecretBox secrets;

    public RuleService(DeployRuleRepository rules, Targets targets, SecretBox secrets) {
        this.rules = rules;
        this.targets = targets;
        this.secrets = secrets;
    }

    @WithSession
    public Uni<List<RuleView>> list(Access access, String project) {
        if (project != null && !access.canRead(project)) {
            return Uni.createFrom().failure(DeployerException.forbidden());
        }
        Uni<List<DeployRule>> found = project == null ? rules.list("order by createdAt") : rules.list("project = ?1 order by createdAt", project);
        return found.map(list -> list.stream().filter(r -> access.canRead(r.project)).map(r -> view(r, null)).toList());
    }

    @WithSession
    public Uni<RuleView> get(Access access, UUID id) {
        return readable(access, id).map(rule -> view(rule, null));
    }

    /** Creates a rule; the answer carries the target's generated (or given) secret, the only time it is shown. */
    @WithTransaction
    public Uni<RuleView> create(Access access, RuleRequest request) {
        DeployRule rule = new DeployRule();
        rule.id = UUID.randomUUID();
        rule.createdBy = access.user();
        rule.createdAt = OffsetDateTime.now();
        String secret = apply(access, rule, request, null);
        return rules.persist(rule).map(saved -> view(saved, secret));
    }

    /** Replaces a rule's definition; a secret left out (or redacted) is kept. Project moves need rights in both. */
    @WithTransaction
    public Uni<RuleView> replace(Access access, UUID id, RuleRequest request) {
        return managed(access, id).map(rule -> {
            String secret = apply(access, rule, request, rule);
            return view(rule, secret);
        });
    }

    @WithTransaction
    public Uni<Void> delete(Access access, UUID id) {
        return managed(access, id).chain(rules::delete);
    }

    /** Puts the rule on hold: automatic deployments are skipped until it is released. */
    @WithTransaction
    public Uni<RuleView> hold(Access access, UUID id, String reason) {
        return managed(access, id).map(rule -> {
            rule.hold(reason == null || reason.isBlank() ? "held by " + access.user() : reason.trim());
            rule.updatedAt = OffsetDateTime.now();
            return view(rule, null);
        });
    }

    @WithTransaction
    public Uni<RuleView> release(Access access, UUID id) {
        return managed(access, id).map(rule -> {
            rule.onHold = false;
            rule.holdReason = null;
            rule.heldAt = null;
            rule.updatedAt = OffsetDateTime.now();
            return view(rule, null);
        });
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
                throw DeployerException.forbidden();
            }
            return rule;
        });
    }

    /**
     * Checks what the request's constraints ({@link RuleRequest}, already validated) cannot say alone
     * and writes it into {@code rule}; returns the secret in clear when a new one was
     * set (to show once), else null. Nothing is written unless everything is valid.
     */
    private String apply(Access access, DeployRule rule, RuleRequest request, DeployRule existing) {
        if (request == null) {
            throw DeployerException.invalid("a rule body is required");
        }
        RepositoryPattern repository = RepositoryPattern.of(request.repository());
        if (!access.canManage(repository.project())) {
            throw DeployerException.forbidden();
        }
        TagPolicy policy = TagPolicy.of(request.tagPolicy().kind(), request.tagPolicy().value());
        String kind = request.target().kind().trim().toLowerCase(Locale.ROOT);
        TargetSettings settings = targets.parse(kind, request.target().settings());
        int approvals = request.approvalsRequired() == null ? 0 : request.approvalsRequired();
        Duration debounce = DurationText.parse("debounce", request.debounce());
        Duration minInterval = DurationText.parse("minInterval", request.minInterval());
        DeployWindow window = request.window() == null ? null
                : DeployWindow.of(request.window().days(), request.window().start(), request.window().end());
        String name = request.name() == null || request.name().isBlank() ? repository.value() + " " + policy : request.name().trim();

        String shownSecret = null;
        if (settings instanceof SecretSettings withSecret) {
            String given = withSecret.secret();
            if (given == null || given.isBlank() || SecretSettings.REDACTED.equals(given)) {
                String kept = existing != null && kind.equals(existing.targetKind)
                        && targets.read(kind, existing.targetSettings) instanceof SecretSettings old ? old.secret() : null;
                if (kept != null) {
                    settings = withSecret.withSecret(kept);
                } else if (withSecret.secretOptional()) {
                    if (SecretSettings.REDACTED.equals(given)) {
                        throw DeployerException.invalid("the target's secret is " + SecretSettings.REDACTED + " and there is no stored one to keep");
                    }
                } else {
                    shownSecret = withSecret.newSecret();
                    settings = withSecret.withSecret(secrets.seal(shownSecret));
                }
            } else {
                shownSecret = withSecret.secretOptional() ? null : given;
                settings = withSecret.withSecret(secrets.seal(given));
            }
        }

        if (existing != null && !existing.repository.equals(repository.value())) {
            existing.lastVersion = null;
        }
        if (existing != null && (existing.policyKind != policy.kind() || !existing.policy.equals(policy.value()))) {
            existing.lastVersion = null;
        }
        rule.name = name;
        rule.project = repository.project();
        rule.repository = repository.value();
        rule.policyKind = policy.kind();
        rule.policy = policy.value();
        rule.targetKind = kind;
        rule.targetSettings = targets.write(settings);
        rule.enabled = request.enabled() == null || request.enabled();
        rule.dryRun = request.dryRun() != null && request.dryRun();
        rule.approvalsRequired = approvals;
        rule.debounceMs = debounce.toMillis();
        rule.minIntervalMs = minInterval.toMillis();
        rule.windowDays = window == null ? null : window.daysText();
        rule.windowStart = window == null ? null : window.start().toString();
        rule.windowEnd = window == null ? null : window.end().toString();
        rule.updatedAt = OffsetDateTime.now();
        return shownSecret;
    }

    public RuleView view(DeployRule rule, String secret) {
        TargetSettings settings = targets.read(rule.targetKind, rule.targetSettings).redacted();
        DeployWindow window = rule.window();
        return new RuleView(rule.id, rule.name, rule.project, rule.repository,
                new RuleRequest.Policy(rule.policyKind.name().toLowerCase(Locale.ROOT), rule.policy),
                new RuleView.TargetView(rule.targetKind, settings.displayName(), targets.tree(settings)),
                rule.enabled, rule.dryRun, rule.approvalsRequired, DurationText.format(rule.debounceMs),
                DurationText.format(rule.minIntervalMs),
                window == null ? null : new RuleRequest.Window(window.dayNames(), rule.windowStart, rule.windowEnd),
                rule.onHold ? new RuleView.Hold(rule.holdReason, rule.heldAt) : null, rule.lastVersion,
                rule.createdBy, rule.createdAt, rule.updatedAt, secret);
    }
}
