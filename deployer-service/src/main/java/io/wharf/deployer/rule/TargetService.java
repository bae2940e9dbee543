package io.wharf.deployer.rule;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.wharf.access.Access;
import io.wharf.intake.AuditTrail;
import io.wharf.events.AuditEventData;
import io.wharf.events.AuditEventData.Actions;
import io.wharf.deployer.targets.DeployTarget;
import io.wharf.deployer.targets.GrantBounds;
import io.wharf.deployer.targets.Place;
import io.wharf.deployer.targets.TargetDefinition;
import io.wharf.deployer.targets.TargetSettings;
import io.wharf.outbound.SecretBox;
import io.wharf.reference.Glob;
import io.wharf.reference.InvalidPatternException;
import io.wharf.reference.RepositoryNames;

/**
 * Deploy targets: defined and changed by system administrators, granted to projects within bounds; the
 * one place that decides whether a rule's workload is inside what its project was granted, when the rule
 * is saved ({@link #settingsFor}) and again before each run ({@link #resolve}).
 *
 * <p>Credentials never outlive their endpoint: a change of a target's endpoint keeps no stored credential
 * (a masked value is then dropped, a hook secret generated anew). No answer carries a credential except
 * the one that created or changed it.
 */
@ApplicationScoped
public class TargetService {

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final TypeReference<List<TargetGrant>> GRANTS = new TypeReference<>() {
    };

    /** A rule's target bean and the settings its workload deploys with, checked against the grants. */
    public record Resolved(DeployTarget<TargetSettings> target, TargetSettings settings) {
    }

    private final TargetRepository targets;
    private final DeployRuleRepository rules;
    private final Targets kinds;
    private final SecretBox secrets;
    private final AuditTrail audit;

    public TargetService(TargetRepository targets, DeployRuleRepository rules, Targets kinds, SecretBox secrets,
            AuditTrail audit) {
        this.audit = audit;
        this.targets = targets;
        this.rules = rules;
        this.kinds = kinds;
        this.secrets = secrets;
    }

    /**
     * Targets the caller may see: every target for system administrators (of {@code project} if given);
     * for others, the targets granted to {@code project} (or to any project they may read), showing only
     * those projects' grants.
     */
    @WithSession
    public Uni<List<TargetView>> list(Access access, String project) {
        if (project != null && !access.canRead(project)) {
            return Uni.createFrom().failure(DeployerException.forbidden());
        }
        Set<String> readable = project != null ? Set.of(project) : access.readableProjects();
        return targets.list("order by name").map(all -> all.stream()
                .filter(t -> project == null && access.isSystemAdmin() || grants(t).stream().anyMatch(g -> readable.contains(g.project())))
                .map(t -> access.isSystemAdmin() ? view(t, null) : memberView(t, readable::contains))
                .toList());
    }

    @WithSession
    public Uni<TargetView> get(Access access, UUID id) {
        return targets.findById(id).map(t -> {
            if (t != null && access.isSystemAdmin()) {
                return view(t, null);
            }
            Set<String> readable = access.readableProjects();
            if (t == null || grants(t).stream().noneMatch(g -> readable.contains(g.project()))) {
                throw DeployerException.notFound("no target " + id);
            }
            return memberView(t, readable::contains);
        });
    }

    /** Creates a target (system administrators only); the answer shows a generated or given secret, once. */
    public Uni<TargetView> create(Access access, TargetRequest request) {
        return audited(access, Actions.TARGET_CREATED, request == null ? null : request.name(), admissible(access, request)
                .chain(() -> Panache.withTransaction(() -> {
                    requireAdmin(access);
                    requireBody(request);
                    return createIn(access, request).call(view -> audit.record(described(access, Actions.TARGET_CREATED, view)));
                })));
    }

    /**
     * Refuses, before anything is written, an endpoint the kind's outbound rules refuse
     * ({@link DeployTarget#admissible}: a hook URL on a private or metadata address), for system administrators only.
     */
    private Uni<Void> admissible(Access access, TargetRequest request) {
        return Uni.createFrom().voidItem().chain(() -> {
            requireAdmin(access);
            requireBody(request);
            DeployTarget<TargetSettings> kind = kinds.get(normalizedKind(request));
            return kind.admissible(request.endpoint())
                    .onFailure(IllegalArgumentException.class)
                    .transform(e -> DeployerException.invalid("invalid " + kind.kind() + " target: " + e.getMessage()));
        });
    }

    private Uni<TargetView> createIn(Access access, TargetRequest request) {
        DeployTarget<TargetSettings> kind = kinds.get(normalizedKind(request));
        return targets.find("name", request.name().trim()).firstResult().map(existing -> {
            if (existing != null) {
                throw DeployerException.conflict("a target named " + request.name().trim() + " exists");
            }
            TargetEntity t = new TargetEntity();
            t.id = UUID.randomUUID();
            t.kind = kind.kind();
            t.createdBy = access.user();
            t.createdAt = OffsetDateTime.now();
            return t;
        }).chain(t -> {
            String shown = apply(t, kind, request, kinds.readObject(null));
            return targets.persist(t).map(saved -> view(saved, shown));
        });
    }

    /**
     * Replaces a target's definition (system administrators only). Its kind is fixed. When the endpoint
     * changes, no stored credential is kept. Rules outside the new grants are refused at their next run.
     */
    public Uni<TargetView> replace(Access access, UUID id, TargetRequest request) {
        return audited(access, Actions.TARGET_CHANGED, id.toString(), admissible(access, request)
                .chain(() -> Panache.withTransaction(() -> {
                    requireAdmin(access);
                    requireBody(request);
                    return replaceIn(id, request).call(view -> audit.record(described(access, Actions.TARGET_CHANGED, view)));
                })));
    }

    private Uni<TargetView> replaceIn(UUID id, TargetRequest request) {
        return targets.findById(id).chain(t -> {
            if (t == null) {
                throw DeployerException.notFound("no target " + id);
            }
            if (!t.kind.equals(normalizedKind(request))) {
                throw DeployerException.invalid("a target's kind cannot change (it is " + t.kind + ")");
            }
            return targets.find("name = ?1 and id <> ?2", request.name().trim(), id).firstResult().map(clash -> {
                if (clash != null) {
                    throw DeployerException.conflict("a target named " + request.name().trim() + " exists");
                }
                DeployTarget<TargetSettings> kind = kinds.get(t.kind);
                String endpoint = endpointOf(kind, request.endpoint());
                ObjectNode kept = endpoint.equals(t.endpoint) ? credentials(t) : kinds.readObject(null);
                String shown = apply(t, kind, request, kept);
                return view(t, shown);
            });
        });
    }

    /** Deletes a target no rule names (409 while one does). */
    public Uni<Void> delete(Access access, UUID id) {
        return audited(access, Actions.TARGET_DELETED, id.toString(), Panache.withTransaction(() -> {
            requireAdmin(access);
            return deleteIn(id).chain(t -> audit.record(audit.entry(access, Actions.TARGET_DELETED, null, t.name)
                    .summary("id", t.id).summary("kind", t.kind)));
        }));
    }

    /**
     * {@code change}, then its audit entry published; a refusal (403) recorded as such, about {@code subject}.
     * Targets belong to no project: their entries have none.
     */
    private <T> Uni<T> audited(Access access, String action, String subject, Uni<T> change) {
        return change.call(audit::relay)
                .onFailure(DeployerException::isRefusal).call(e -> audit.refused(() -> audit.entry(access, action, null, subject)));
    }

    /** What the audit log says of a target: name, kind and grants; never its endpoint, credentials or settings. */
    private AuditEventData.Builder described(Access access, String action, TargetView view) {
        return audit.entry(access, action, null, view.name())
                .summary("id", view.id())
                .summary("kind", view.kind())
                .summary("allowWharf", view.allowWharf())
                .summary("grantedTo", view.grants() == null ? null
                        : view.grants().stream().map(TargetGrant::project).collect(Collectors.joining(",")));
    }

    private Uni<TargetEntity> deleteIn(UUID id) {
        return targets.findById(id).chain(t -> {
            if (t == null) {
                throw DeployerException.notFound("no target " + id);
            }
            return rules.count("targetId", id).chain(using -> {
                if (using > 0) {
                    throw DeployerException.conflict(using + " rule(s) use target " + t.name + ": change or delete them first");
                }
                return targets.delete(t).replaceWith(t);
            });
        });
    }

    /** The target a rule of {@code project} names (by name or id); 400 when there is none granted to the project. */
    public Uni<TargetEntity> granted(String nameOrId, String project) {
        return targets.named(nameOrId.trim()).map(t -> {
            if (t == null || grants(t).stream().noneMatch(g -> g.project().equals(project))) {
                throw DeployerException.invalid("no target '" + nameOrId.trim() + "' is granted to project " + project);
            }
            return t;
        });
    }

    /**
     * The settings a rule of {@code project} deploys with on {@code target} for {@code workload}: 400 when
     * the workload is not one of the kind, or lies outside every grant of the target to the project.
     */
    public TargetSettings settingsFor(TargetEntity target, String project, ObjectNode workload) {
        DeployTarget<TargetSettings> kind = kinds.get(target.kind);
        TargetSettings settings;
        try {
            settings = kind.settings(TargetDefinition.stored(target.endpoint, kinds.readObject(target.settings), credentials(target)),
                    target.allowWharf, workload);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw DeployerException.invalid("invalid workload for " + target.kind + " target " + target.name + ": " + e.getMessage());
        }
        Place place = kind.place(settings);
        if (grants(target).stream().noneMatch(g -> g.project().equals(project) && permits(g, kind.bounds(), place))) {
            throw DeployerException.invalid("target " + target.name + " is not granted to project " + project + " for "
                    + describe(kind.bounds(), place));
        }
        return settings;
    }

    /**
     * What a rule deploys with now, checked again against its target as it is now (the target may have
     * changed since the rule was saved); a {@link DeployerException} says why the rule may not run.
     */
    public Uni<Resolved> resolve(DeployRule rule) {
        return targets.findById(rule.targetId).map(t -> {
            if (t == null || !t.kind.equals(rule.targetKind)) {
                throw DeployerException.invalid("the rule's target no longer exists");
            }
            return new Resolved(kinds.get(t.kind), settingsFor(t, rule.project, kinds.readObject(rule.workload)));
        });
    }

    /** Target names by id, for showing rules. */
    public Uni<Map<UUID, String>> names() {
        return targets.listAll().map(all -> all.stream().collect(Collectors.toMap(t -> t.id, t -> t.name)));
    }

    /** Writes the request into {@code t}; returns the secret to show once, or null. Nothing is written unless all is valid. */
    private String apply(TargetEntity t, DeployTarget<TargetSettings> kind, TargetRequest request, ObjectNode kept) {
        String name = request.name().trim();
        if (!NAME.matcher(name).matches()) {
            throw DeployerException.invalid("name '" + name + "' must be lower case letters, digits and '-' (a DNS label)");
        }
        List<TargetGrant> grants = checkedGrants(kind.bounds(), request.grants());
        TargetDefinition definition;
        try {
            definition = kind.define(request.endpoint(), kinds.object("settings", request.settings()).deepCopy(), kept);
        } catch (IllegalArgumentException e) {
            throw DeployerException.invalid("invalid " + t.kind + " target: " + e.getMessage());
        }
        t.name = name;
        t.endpoint = definition.endpoint();
        t.settings = kinds.write(definition.settings());
        t.credentials = definition.credentials().isEmpty() ? null : secrets.seal(kinds.write(definition.credentials()));
        t.grants = kinds.write(grants);
        t.allowWharf = request.allowWharf() != null && request.allowWharf();
        t.updatedAt = OffsetDateTime.now();
        return definition.newSecret();
    }

    private List<TargetGrant> checkedGrants(GrantBounds bounds, List<TargetGrant> given) {
        List<TargetGrant> checked = new ArrayList<>();
        for (TargetGrant g : given == null ? List.<TargetGrant>of() : given) {
            if (g == null || !RepositoryNames.isValidProject(g.project())) {
                throw DeployerException.invalid("grants: each grant names a project (2-64 characters of lower case letters and digits)");
            }
            String where = "grant to " + g.project() + ": ";
            switch (bounds) {
                case NAMESPACES_AND_NAME -> {
                    if (g.namespaces() == null || g.namespaces().isEmpty() || g.containers() != null) {
                        throw DeployerException.invalid(where + "a kubernetes grant lists namespaces (globs) and optionally workloads (a glob)");
                    }
                    g.namespaces().forEach(ns -> glob(where + "namespaces", ns));
                    if (g.workloads() != null) {
                        glob(where + "workloads", g.workloads());
                    }
                }
                case NAME -> {
                    if (g.containers() == null || g.namespaces() != null || g.workloads() != null) {
                        throw DeployerException.invalid(where + "a docker grant gives containers (a glob of container names) and nothing else");
                    }
                    glob(where + "containers", g.containers());
                }
                case NONE -> {
                    if (g.namespaces() != null || g.workloads() != null || g.containers() != null) {
                        throw DeployerException.invalid(where + "an http grant has no bounds beyond the target's URL");
                    }
                }
            }
            checked.add(new TargetGrant(g.project(), g.namespaces() == null ? null : List.copyOf(g.namespaces()), g.workloads(), g.containers()));
        }
        return checked;
    }

    private static Glob glob(String field, String pattern) {
        try {
            return Glob.compile(pattern);
        } catch (InvalidPatternException | NullPointerException e) {
            throw DeployerException.invalid(field + ": " + (pattern == null ? "a pattern is required" : e.getMessage()));
        }
    }

    static boolean permits(TargetGrant g, GrantBounds bounds, Place place) {
        return switch (bounds) {
            case NAMESPACES_AND_NAME -> g.namespaces() != null && g.namespaces().stream().anyMatch(ns -> Glob.compile(ns).matches(place.namespace()))
                    && (g.workloads() == null || Glob.compile(g.workloads()).matches(place.name()));
            case NAME -> g.containers() != null && Glob.compile(g.containers()).matches(place.name());
            case NONE -> true;
        };
    }

    private static String describe(GrantBounds bounds, Place place) {
        return switch (bounds) {
            case NAMESPACES_AND_NAME -> "namespace " + place.namespace() + ", workload " + place.name();
            case NAME -> "container " + place.name();
            case NONE -> "its hook";
        };
    }

    private String endpointOf(DeployTarget<TargetSettings> kind, String endpoint) {
        try {
            return kind.endpointOf(endpoint);
        } catch (IllegalArgumentException e) {
            throw DeployerException.invalid("invalid " + kind.kind() + " target: " + e.getMessage());
        }
    }

    private ObjectNode credentials(TargetEntity t) {
        return t.credentials == null ? kinds.readObject(null) : kinds.readObject(secrets.open(t.credentials));
    }

    private List<TargetGrant> grants(TargetEntity t) {
        return kinds.read(t.grants, GRANTS);
    }

    private static String normalizedKind(TargetRequest request) {
        return request.kind().trim().toLowerCase(Locale.ROOT);
    }

    private static void requireBody(TargetRequest request) {
        if (request == null) {
            throw DeployerException.invalid("a target body is required");
        }
    }

    private static void requireAdmin(Access access) {
        if (!access.isSystemAdmin()) {
            throw DeployerException.forbidden();
        }
    }

    private TargetView view(TargetEntity t, String secret) {
        return new TargetView(t.id, t.name, t.kind, t.endpoint, kinds.readObject(t.settings), t.allowWharf, grants(t),
                t.createdBy, t.createdAt, t.updatedAt, secret);
    }

    /** What a project member sees: name, kind and the grants of the projects they may read; no endpoint, settings or secret. */
    private TargetView memberView(TargetEntity t, Predicate<String> readable) {
        return new TargetView(t.id, t.name, t.kind, null, null, null,
                grants(t).stream().filter(g -> readable.test(g.project())).toList(), null, null, null, null);
    }
}
