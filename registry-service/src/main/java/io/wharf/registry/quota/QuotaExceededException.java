package io.wharf.registry.quota;

import java.util.LinkedHashMap;
import java.util.Map;

import io.wharf.events.StorageEventData;
import io.wharf.registry.oci.OciError;
import io.wharf.registry.oci.RegistryException;

/**
 * A push refused because the project's quota would be exceeded: {@code DENIED} (403, so docker stops
 * instead of retrying) with a message that says so, e.g. {@code quota exceeded: project acme uses
 * 9.6 GiB of 10 GiB; this push needs 1.2 GiB}, and a {@code detail} object with the numbers.
 */
public class QuotaExceededException extends RegistryException {

    private final String project;
    private final StorageEventData.Quota quota;
    private final String message;

    QuotaExceededException(String project, StorageEventData.Quota quota) {
        super(OciError.DENIED, describe(project, quota));
        this.project = project;
        this.quota = quota;
        this.message = describe(project, quota);
    }

    static String describe(String project, StorageEventData.Quota q) {
        if (QuotaGuard.ARTIFACTS.equals(q.resource())) {
            return "quota exceeded: project " + project + " has " + q.used() + " of " + q.limit()
                    + " artifacts; this push needs " + q.requested() + " more";
        }
        return "quota exceeded: project " + project + " uses " + ByteSizes.format(q.used()) + " of "
                + ByteSizes.format(q.limit()) + "; this push needs " + ByteSizes.format(q.requested());
    }

    public String project() {
        return project;
    }

    /** Usage, limit and request, as the {@code quota.exceeded} event carries them. */
    public StorageEventData.Quota quota() {
        return quota;
    }

    @Override
    public String message() {
        return message;
    }

    @Override
    public Object detailValue() {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("project", project);
        detail.put("resource", quota.resource());
        detail.put("used", quota.used());
        detail.put("limit", quota.limit());
        detail.put("requested", quota.requested());
        return detail;
    }
}
