package io.wharf.registry.api;

import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.registry.oci.OciError;
import io.wharf.registry.oci.RegistryException;

/** Writes registry responses: the API version header, and errors in the spec's JSON shape. */
final class Responses {
    private static final Logger LOG = Logger.getLogger(Responses.class);

    static final String API_VERSION = "Docker-Distribution-API-Version";
    static final String CONTENT_DIGEST = "Docker-Content-Digest";
    static final String UPLOAD_UUID = "Docker-Upload-UUID";

    /** Headers that describe a successful response's content, dropped from an error response. */
    private static final List<String> CONTENT_HEADERS = List.of("Content-Length", "Content-Range", "Content-Type",
            "Accept-Ranges", "Cache-Control", "ETag", CONTENT_DIGEST, UPLOAD_UUID, "Location", "Range", "Link",
            "OCI-Subject", "OCI-Filters-Applied");

    private Responses() {
    }

    /**
     * Answers with an error: a {@link RegistryException}'s code and status, else UNAVAILABLE (503) when
     * the database cannot be reached, else UNKNOWN (500); both logged ({@link OciError#ofUnforeseen}).
     */
    static void error(HttpServerResponse response, Throwable failure) {
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            // Bytes are already on the wire: the only honest signal left is to cut the connection.
            response.reset();
            return;
        }
        RegistryException e = failure instanceof RegistryException re ? re : null;
        if (e == null) {
            OciError unforeseen = OciError.ofUnforeseen(failure);
            if (unforeseen == OciError.UNAVAILABLE) {
                LOG.warnf("request failed: the database cannot be reached (%s)", failure.toString());
            } else {
                LOG.error("request failed", failure);
            }
            e = new RegistryException(unforeseen, null);
        }
        OciError error = e.error();
        JsonObject entry = new JsonObject().put("code", error.code()).put("message", e.message());
        if (e.detailValue() != null) {
            entry.put("detail", e.detailValue());
        }
        String body = new JsonObject().put("errors", new JsonArray().add(entry)).encode();
        // The endpoint may have described the content it meant to send before it failed: none of
        // that is true of the error (a stale Content-Length would even cut the error body short).
        for (String header : CONTENT_HEADERS) {
            response.headers().remove(header);
        }
        response.setStatusCode(error.status())
                .putHeader("Content-Type", "application/json")
                .putHeader(API_VERSION, "registry/2.0");
        for (Map.Entry<String, String> h : e.headers().entrySet()) {
            response.putHeader(h.getKey(), h.getValue());
        }
        response.end(body);
    }

    /** An empty response with the given status. */
    static void empty(HttpServerResponse response, int status) {
        response.setStatusCode(status).putHeader("Content-Length", "0").end();
    }
}
