package io.wharf.registry.api.manage;

import java.util.Locale;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Chooses the format of {@code GET /api/v1/audit} before its endpoint is matched: {@code ?format=csv},
 * or an {@code Accept} header naming {@code text/csv}, gets the CSV export; anything else gets JSON.
 */
public class AuditFormat {

    @ServerRequestFilter(preMatching = true)
    public void choose(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!AuditResource.PATH.equals(path) && !(AuditResource.PATH + "/").equals(path)) {
            return;
        }
        String format = request.getUriInfo().getQueryParameters().getFirst("format");
        String accept = request.getHeaderString(HttpHeaders.ACCEPT);
        boolean csv = format != null ? "csv".equalsIgnoreCase(format)
                : accept != null && accept.toLowerCase(Locale.ROOT).contains(AuditResource.CSV);
        request.getHeaders().putSingle(HttpHeaders.ACCEPT, csv ? AuditResource.CSV : MediaType.APPLICATION_JSON);
    }
}
