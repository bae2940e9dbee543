package io.wharf.registry.oci;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.nio.channels.ClosedChannelException;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * Every error code the registry answers with, registered once with its HTTP status and the
 * default message (OCI Distribution Spec 1.1, "Error Codes", plus the Docker codes clients know).
 */
public enum OciError {
    BLOB_UNKNOWN(404, "blob unknown to registry"),
    BLOB_UPLOAD_INVALID(400, "blob upload invalid"),
    BLOB_UPLOAD_UNKNOWN(404, "blob upload unknown to registry"),
    /** An upload chunk that does not continue the upload where it ends. */
    RANGE_INVALID(416, "requested range not satisfiable"),
    DIGEST_INVALID(400, "provided digest did not match uploaded content"),
    MANIFEST_BLOB_UNKNOWN(400, "manifest references a manifest or blob unknown to registry"),
    MANIFEST_INVALID(400, "manifest invalid"),
    MANIFEST_UNKNOWN(404, "manifest unknown to registry"),
    NAME_INVALID(400, "invalid repository name"),
    NAME_UNKNOWN(404, "repository name not known to registry"),
    SIZE_INVALID(400, "provided length did not match content length"),
    /** A manifest larger than the registry accepts. */
    MANIFEST_TOO_LARGE(413, "manifest too large"),
    TAG_INVALID(400, "manifest tag did not match URI"),
    PAGINATION_NUMBER_INVALID(400, "invalid number of results requested"),
    UNAUTHORIZED(401, "authentication required"),
    DENIED(403, "requested access to the resource is denied"),
    /**
     * A valid token without the access a request needs: 401 with the Bearer challenge's
     * {@code error="insufficient_scope"} and code DENIED, as token-auth registries answer. A HEAD
     * has no body, and docker reads the challenge to print "denied: requested access to the
     * resource is denied" instead of retrying.
     */
    INSUFFICIENT_SCOPE(401, "requested access to the resource is denied"),
    UNSUPPORTED(405, "the operation is unsupported"),
    TOOMANYREQUESTS(429, "too many requests"),
    /**
     * The registry cannot reach what it needs to answer (its database): 503, as Distribution answers
     * while a storage driver is down. Clients may retry; nothing was changed.
     */
    UNAVAILABLE(503, "service unavailable"),
    /** A failure the registry did not foresee (logged); never a client's fault. */
    UNKNOWN(500, "unknown error");

    private final int status;
    private final String message;

    OciError(int status, String message) {
        this.status = status;
        this.message = message;
    }

    public int status() {
        return status;
    }

    public String message() {
        return message;
    }

    /** The code as it appears in the JSON body. */
    public String code() {
        return switch (this) {
            case MANIFEST_TOO_LARGE -> "SIZE_INVALID";
            case RANGE_INVALID -> "BLOB_UPLOAD_INVALID";
            case INSUFFICIENT_SCOPE -> "DENIED";
            default -> name();
        };
    }

    /**
     * The error for a failure no endpoint foresaw: {@link #UNAVAILABLE} when it comes from a database
     * that cannot be reached (refused or lost connections, PostgreSQL shutting down or starting up, no
     * connection to be had), else {@link #UNKNOWN}.
     */
    public static OciError ofUnforeseen(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof ClosedChannelException
                    || t instanceof ConnectTimeoutException
                    || t instanceof ClosedConnectionException
                    || t instanceof ConnectionPoolTooBusyException) {
                return UNAVAILABLE;
            }
            if (t instanceof PgException pg && pg.getSqlState() != null && unavailableState(pg.getSqlState())) {
                return UNAVAILABLE;
            }
        }
        return UNKNOWN;
    }

    /** SQLSTATEs of a server that cannot serve: connection exceptions (08), shutdown or startup (57P01-57P03), too many connections. */
    private static boolean unavailableState(String state) {
        return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03") || state.equals("53300");
    }

    public RegistryException exception(String detail) {
        return new RegistryException(this, detail);
    }

    public RegistryException exception() {
        return new RegistryException(this, null);
    }
}
