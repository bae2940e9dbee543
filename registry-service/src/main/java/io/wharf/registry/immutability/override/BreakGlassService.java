package io.wharf.registry.immutability.override;

import jakarta.enterprise.context.ApplicationScoped;

import io.wharf.events.AuditEventData;
import io.smallrye.mutiny.Uni;
import io.wharf.events.RegistryEventData;
import io.wharf.reference.RepositoryNames;
import io.wharf.registry.audit.RequestOrigin;
import io.wharf.registry.auth.Principal;
import io.wharf.registry.identity.AuditTrail;
import io.wharf.registry.identity.CallerAccess;
import io.wharf.registry.identity.RequestRefused;
import io.wharf.registry.immutability.ImmutabilityRule;
import io.wharf.registry.immutability.TagImmutability;
import io.wharf.registry.oci.OciError;
import io.wharf.registry.oci.RegistryException;
import io.wharf.registry.service.Caller;
import io.wharf.registry.service.ManifestService;

/**
 * Break-glass: a system administrator deletes a tag whatever the immutability rules say (a leaked
 * secret in a release image). Nobody else may, project admins included. The deletion's
 * {@code tag.deleted} event carries {@code reason: break-glass}, and an audit entry
 * ({@value #TAG_OVERRIDDEN}) names the administrator and the rule that protected the tag; the entry is
 * written once the deletion has committed.
 */
@ApplicationScoped
public class BreakGlassService {

    /** Audit action: a system administrator deleted a tag overriding immutability. */
    public static final String TAG_OVERRIDDEN = AuditEventData.Actions.TAG_IMMUTABILITY_OVERRIDDEN;

    private final CallerAccess access;
    private final ManifestService manifests;
    private final TagImmutability immutability;
    private final AuditTrail audit;

    public BreakGlassService(CallerAccess access, ManifestService manifests, TagImmutability immutability, AuditTrail audit) {
        this.access = access;
        this.manifests = manifests;
        this.immutability = immutability;
        this.audit = audit;
    }

    /** Deletes {@code tag} of {@code project/name} (the manifest stays); NOT_FOUND when there is no such tag. */
    public Uni<Void> deleteTag(String project, String name, String tag) {
        Principal admin = access.admin();
        String repository = project + "/" + name;
        if (!RepositoryNames.isValidRepository(repository) || !RepositoryNames.isValidTag(tag)) {
            throw RequestRefused.invalid(repository + ":" + tag + " is no valid repository and tag");
        }
        Caller caller = new Caller(admin.actor(), new RegistryEventData.RequestInfo(RequestOrigin.requestId(), RequestOrigin.address(), null));
        return immutability.rules(project).chain(rules -> {
            ImmutabilityRule rule = rules.protecting(repository, tag);
            return manifests.delete(repository, tag, caller, RegistryEventData.REASON_BREAK_GLASS)
                    .onFailure(e -> e instanceof RegistryException re && re.error() == OciError.MANIFEST_UNKNOWN)
                    .transform(e -> RequestRefused.notFound("tag " + repository + ":" + tag))
                    .chain(() -> audit.by(admin, TAG_OVERRIDDEN, project))
                    .chain(entry -> audit.record(entry.subject(repository + ":" + tag)
                            .summary("rule", rule == null ? "none" : rule.name())
                            .summary("reason", RegistryEventData.REASON_BREAK_GLASS)));
        });
    }
}
