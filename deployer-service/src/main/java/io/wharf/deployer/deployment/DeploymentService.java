package io.wharf.deployer.deployment;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.wharf.access.Access;
import io.wharf.access.RegistryRoles;
import io.wharf.access.RegistryUnavailableException;
import io.wharf.intake.AuditTrail;
import io.wharf.deployer.config.DeployerConfig;
import io.wharf.events.AuditEventData;
import io.wharf.events.AuditEventData.Actions;
import io.wharf.deployer.rule.DeployRuleRepository;
import io.wharf.deployer.rule.DeployerException;
import io.wharf.events.EventType;
import io.wharf.deployer.rule.RuleService;

/** The deployment history, approvals and rejections, and manual rollbacks, as the caller's rights allow. */
@ApplicationScoped
public class DeploymentService {
    private static final int MAX_PAGE = 500;

    private final DeploymentRepository deployments;
    private final RuleService ruleService;
    private final DeploymentRunner runner;
    private final RegistryRoles registry;
    private final String registryHost;
    private final AuditTrail audit;
    private final DeployRuleRepository rules;
    private final DeploymentOutbox outbox;

    public DeploymentService(DeploymentRepository deployments, RuleService ruleService, DeploymentRunner runner,
            RegistryRoles registry, DeployerConfig config, AuditTrail audit, DeployRuleRepository rules, DeploymentOutbox outbox) {
        this.audit = audit;
        this.rules = rules;
        this.outbox = outbox;
        this.deployments = deployments;
        this.ruleService = ruleService;
        this.runner = runner;
        this.registry = registry;
        this.registryHost = config.registryHost();
    }

    /** A page of the history, newest first, and the cursor of the next page (null at the end). */
    public record Page(List<DeploymentView> items, String nextCursor) {
    }

    @WithSession
    public Uni<Page> list(Access access, UUID ruleId, String project, String repository, String state, int limit, String cursor) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw DeployerException.invalid("limit must be between 1 and " + MAX_PAGE);
        }
        List<String> projects;
        if (project != null) {
            if (!access.canRead(project)) {
                throw DeployerException.forbidden();
            }
            projects = List.of(project);
        } else {
            projects = access.isSystemAdmin() ? null : List.copyOf(access.readableProjects());
        }
        if (projects != null && projects.isEmpty()) {
            return Uni.createFrom().item(new Page(List.of(), null));
        }
        OffsetDateTime afterAt = null;
        UUID afterId = null;
        if (cursor != null && !cursor.isBlank()) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|");
                afterAt = OffsetDateTime.parse(parts[0]);
                afterId = UUID.fromString(parts[1]);
            } catch (RuntimeException e) {
                throw DeployerException.invalid("not a cursor from this API: " + cursor);
            }
        }
        Deployment.State wanted = state == null || state.isBlank() ? null : Deployment.State.parse(state);
        var filter = new DeploymentRepository.Filter(projects, ruleId, repository, wanted, afterAt, afterId);
        return deployments.history(filter, limit + 1).chain(rows -> {
            List<Deployment> page = rows.size() > limit ? rows.subList(0, limit) : rows;
            String next = rows.size() > limit ? cursorOf(page.get(page.size() - 1)) : null;
            return views(page).map(items -> new Page(items, next));
        });
    }

    @WithSession
    public Uni<DeploymentView> get(Access access, UUID id) {
        return readable(access, id).chain(this::view);
    }

    /**
     * The caller approves a deployment awaiting approval (once per user); once it has the approvals it was
     * planned with ({@link Deployment#approvalsRequired}, whatever its rule says now) it waits for its time
     * as any other deployment and is then applied.
     *
     * <p>Who may approve: whoever may manage the deployment's project ({@link Access#canManage}) with the
     * role the registry gives them now, asked with their own API token {@code credentials} right away,
     * whatever {@link RegistryRoles#current} keeps (a role taken away a moment ago counts), except the
     * actor of the push that triggered it. While the registry cannot say, nobody may approve
     * ({@link RegistryUnavailableException}). The registry is
     * asked outside any transaction; the approval is then recorded with the deployment's row locked, its
     * state checked again, so concurrent approvals count one after the other.
     */
    public Uni<DeploymentView> approve(Access access, String credentials, UUID id) {
        return Panache.withSession(() -> managed(access, id).invoke(d -> approvable(access, d)))
                .chain(d -> registry.now(credentials).invoke(now -> mayApproveNow(d.project, now)))
                .chain(() -> Panache.withTransaction(() -> deployments.findById(id, LockModeType.PESSIMISTIC_WRITE).chain(d -> {
                    if (d == null) {
                        throw DeployerException.notFound("no deployment " + id);
                    }
                    approvable(access, d);
                    return deployments.approve(d.id, access.user()).chain(isNew -> {
                        if (!isNew) {
                            throw DeployerException.conflict(access.user() + " approved this deployment already");
                        }
                        return deployments.approvers(d.id);
                    }).map(approvers -> {
                        if (approvers.size() >= d.approvalsRequired) {
                            d.state = Deployment.State.WAITING;
                            d.reason = "approved by " + String.join(", ", approvers);
                        } else {
                            d.reason = "approved by " + approvers.size() + " of " + d.approvalsRequired;
                        }
                        d.updatedAt = OffsetDateTime.now();
                        return d;
                    });
                }).call(d -> audit.record(described(access, Actions.DEPLOYMENT_APPROVED, d).summary("approval", d.reason)))))
                .invoke(d -> {
                    if (d.state == Deployment.State.WAITING) {
                        runner.schedule(d.id, d.notBefore);
                    }
                })
                .call(audit::relay)
                .onFailure(DeployerException::isRefusal).call(e -> refused(access, Actions.DEPLOYMENT_APPROVED, e, id))
                .chain(d -> Panache.withSession(() -> view(d)));
    }

    /** Refuses to approve a deployment that does not await approval, or the caller's own push. */
    private static void approvable(Access access, Deployment d) {
        if (d.state != Deployment.State.AWAITING_APPROVAL) {
            throw DeployerException.conflict("deployment " + d.id + " is " + d.state.label() + ", not awaiting approval");
        }
        if (access.user().equals(d.pushedBy)) {
            throw DeployerException.forbiddenIn(d.project, d.pushedBy + " pushed " + d.image
                    + ", which this deployment applies: it needs the approval of someone else");
        }
    }

    /** Refuses the approval unless the caller, with the rights the registry gives them now, may manage the project. */
    private static void mayApproveNow(String project, Optional<Access> now) {
        Access access = now.orElseThrow(() -> DeployerException.forbiddenIn(project,
                "the registry no longer accepts your token: sign in again to approve"));
        if (!access.canManage(project)) {
            throw DeployerException.forbiddenIn(project, access.roleIn(project)
                    .map(role -> "the registry says you are " + role.wireName() + " in project " + project
                            + " now, a role that may not approve deployments")
                    .orElse("the registry says you are not a member of project " + project + " now: you may not approve"
                            + " its deployments"));
        }
    }

    public Uni<DeploymentView> reject(Access access, UUID id) {
        return Panache.withTransaction(() -> managed(access, id).chain(d -> {
            if (d.state != Deployment.State.AWAITING_APPROVAL && d.state != Deployment.State.WAITING) {
                throw DeployerException.conflict("deployment " + id + " is " + d.state.label() + " and can no longer be rejected");
            }
            d.finish(Deployment.State.REJECTED, "rejected by " + access.user());
            return rules.findById(d.ruleId).chain(rule -> outbox.record(EventType.DEPLOYMENT_REJECTED, d, rule, d.reason))
                    .chain(() -> audit.record(described(access, Actions.DEPLOYMENT_REJECTED, d))).chain(() -> view(d));
        }))
                .invoke(runner::relayEvents)
                .call(audit::relay)
                .onFailure(DeployerException::isRefusal).call(e -> refused(access, Actions.DEPLOYMENT_REJECTED, e, id));
    }

    /**
     * Deploys a digest the rule deployed successfully before, at once (no approvals, window or interval:
     * a person asked for it), and holds the rule so automation does not overwrite the rollback.
     */
    public Uni<DeploymentView> rollback(Access access, UUID ruleId, String digest) {
        if (digest == null || digest.isBlank()) {
            return Uni.createFrom().failure(DeployerException.invalid("digest is required"));
        }
        return Panache.withTransaction(() -> ruleService.managed(access, ruleId)
                .chain(rule -> deployments.lastSucceeded(rule.id, digest.trim()).chain(earlier -> {
                    if (earlier == null) {
                        throw DeployerException.invalid("rule " + ruleId + " never deployed " + digest + " successfully");
                    }
                    OffsetDateTime now = OffsetDateTime.now();
                    Deployment d = new Deployment();
                    d.id = UUID.randomUUID();
                    d.ruleId = rule.id;
                    d.trigger = Deployment.Trigger.ROLLBACK;
                    d.eventId = earlier.eventId;
                    d.project = rule.project;
                    d.repository = earlier.repository;
                    d.tag = earlier.tag;
                    d.digest = earlier.digest;
                    d.image = registryHost + "/" + earlier.repository + (earlier.tag == null ? "" : ":" + earlier.tag)
                            + "@" + earlier.digest;
                    d.state = Deployment.State.WAITING;
                    d.reason = "manual rollback by " + access.user();
                    d.requestedBy = access.user();
                    d.createdAt = now;
                    d.updatedAt = now;
                    d.notBefore = now;
                    rule.hold("manual rollback to " + earlier.digest + " by " + access.user());
                    rule.updatedAt = now;
                    return deployments.persist(d);
                })).call(d -> audit.record(described(access, AuditEventData.Actions.DEPLOYMENT_ROLLED_BACK, d).summary("rule", ruleId))))
                .invoke(d -> runner.schedule(d.id, d.notBefore))
                .call(audit::relay)
                .onFailure(DeployerException::isRefusal).call(e -> audit.refused(() -> audit.entry(access,
                        AuditEventData.Actions.DEPLOYMENT_ROLLED_BACK, ((DeployerException) e).project(), null).summary("rule", ruleId)))
                .chain(d -> Panache.withSession(() -> view(d)));
    }

    private Uni<Void> refused(Access access, String action, Throwable refusal, UUID id) {
        return audit.refused(() -> audit.entry(access, action, ((DeployerException) refusal).project(), id.toString()));
    }

    /** What the audit log says of a deployment: what it applies, never where (target endpoints stay out). */
    private AuditEventData.Builder described(Access access, String action, Deployment d) {
        return audit.entry(access, action, d.project, d.id.toString())
                .summary("repository", d.repository)
                .summary("tag", d.tag)
                .summary("digest", d.digest)
                .summary("state", d.state.label());
    }

    private Uni<Deployment> readable(Access access, UUID id) {
        return deployments.findById(id).map(d -> {
            if (d == null || !access.canRead(d.project)) {
                throw DeployerException.notFound("no deployment " + id);
            }
            return d;
        });
    }

    private Uni<Deployment> managed(Access access, UUID id) {
        return readable(access, id).map(d -> {
            if (!access.canManage(d.project)) {
                throw DeployerException.forbiddenIn(d.project);
            }
            return d;
        });
    }

    private Uni<DeploymentView> view(Deployment d) {
        return deployments.approvers(d.id).map(approvers -> DeploymentView.of(d, approvers.isEmpty() ? null : approvers));
    }

    private Uni<List<DeploymentView>> views(List<Deployment> page) {
        if (page.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Multi.createFrom().iterable(page).onItem().transformToUniAndConcatenate(this::view).collect().asList();
    }

    private static String cursorOf(Deployment d) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((d.createdAt + "|" + d.id).getBytes(StandardCharsets.UTF_8));
    }
}
