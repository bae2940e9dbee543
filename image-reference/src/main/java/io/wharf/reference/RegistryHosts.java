package io.wharf.reference;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The host names under which this registry is reached, and the test "does this image reference name one of
 * our repositories?" used by the deployer.
 *
 * <p>Hosts are {@code host[:port]} and are compared ignoring case but otherwise exactly: the port is part of
 * the name ({@code localhost:5000} is not {@code localhost}, nor {@code 127.0.0.1:5000}, nor
 * {@code wharf.example.com:443} the same as {@code wharf.example.com}) unless each spelling is configured.
 * The first host is the primary (public) name. On all of them a one-component path gets the {@code library/}
 * project, as on Docker Hub.
 *
 * <p>References without a registry part ({@code team/app@sha256:...}, {@code nginx}) mean Docker Hub to
 * docker and Kubernetes, so they are <em>not</em> ours unless {@code unqualifiedReferencesAreOwn} is set
 * (for a context where this registry is the configured default, e.g. a mirror in front of the nodes'
 * container runtime).
 *
 * <p>Immutable and thread-safe.
 */
public final class RegistryHosts {

    private final List<String> hosts;
    private final boolean unqualifiedReferencesAreOwn;
    private final ReferenceParser parser;

    /**
     * @param hosts                       the registry's names, primary first, e.g.
     *                                    {@code wharf.example.com}, {@code wharf-registry.wharf.svc:5000},
     *                                    {@code localhost:5000}; at least one
     * @param unqualifiedReferencesAreOwn whether a reference without registry part names this registry
     * @throws IllegalArgumentException   if {@code hosts} is empty
     * @throws InvalidReferenceException  if a host is not a valid {@code host[:port]}, or could not be written as
     *                                    a registry in a reference (it needs a {@code .} or {@code :} or must be
     *                                    {@code localhost}: {@code wharf-registry/app} would mean Docker Hub)
     */
    public RegistryHosts(List<String> hosts, boolean unqualifiedReferencesAreOwn) {
        Objects.requireNonNull(hosts, "hosts");
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("at least one registry host is required");
        }
        for (String host : hosts) {
            Objects.requireNonNull(host, "host");
            if (!Grammar.isValidHost(host)) {
                throw new InvalidReferenceException(Grammar.badHost(host), InvalidReferenceException.Code.NAME_INVALID);
            }
            if (!host.equals(Grammar.LOCALHOST) && host.indexOf('.') < 0 && host.indexOf(':') < 0) {
                throw new InvalidReferenceException("registry host (" + host
                        + ") must contain '.' or ':' or be 'localhost' to be recognised in image references",
                        InvalidReferenceException.Code.NAME_INVALID);
            }
        }
        this.hosts = hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).distinct().collect(Collectors.toUnmodifiableList());
        this.unqualifiedReferencesAreOwn = unqualifiedReferencesAreOwn;
        this.parser = new ReferenceParser(unqualifiedReferencesAreOwn ? this.hosts.get(0) : Grammar.DOCKER_HUB, this.hosts);
    }

    /** Hosts {@code primary} and {@code aliases}; references without registry part are not own. */
    public static RegistryHosts of(String primary, String... aliases) {
        return new RegistryHosts(Stream.concat(Stream.of(primary), Arrays.stream(aliases)).collect(Collectors.toList()), false);
    }

    /** The primary host name, lower case. */
    public String primaryHost() {
        return hosts.get(0);
    }

    /** All host names, lower case, primary first. */
    public List<String> hosts() {
        return hosts;
    }

    /** Whether references without registry part name this registry. */
    public boolean unqualifiedReferencesAreOwn() {
        return unqualifiedReferencesAreOwn;
    }

    /**
     * The parser matching this registry's view: {@code library/} default on all own hosts, default registry
     * the primary host if unqualified references are own, else {@code docker.io}.
     */
    public ReferenceParser parser() {
        return parser;
    }

    /** True if {@code host} (with port, if any) is one of this registry's names, ignoring case. */
    public boolean isOwnHost(String host) {
        return host != null && hosts.contains(host.toLowerCase(Locale.ROOT));
    }

    /** True if an already parsed reference's registry is one of this registry's names. */
    public boolean isOwn(ImageReference reference) {
        return isOwnHost(reference.registry());
    }

    /**
     * Parses {@code reference} with {@link #parser()} and returns it if it names a repository of this registry,
     * with its registry replaced by {@link #primaryHost()} so that every spelling of the same image gives an
     * equal value ({@code localhost:5000/app} and {@code wharf.example.com/library/app} both give
     * {@code wharf.example.com/library/app}). Tag and digest are kept as written.
     *
     * @return empty if the reference names another registry or is not a valid reference
     */
    public Optional<ImageReference> ownReference(String reference) {
        if (reference == null) {
            return Optional.empty();
        }
        ImageReference parsed;
        try {
            parsed = parser.parse(reference);
        } catch (InvalidReferenceException e) {
            return Optional.empty();
        }
        return isOwn(parsed) ? Optional.of(parsed.withRegistry(primaryHost())) : Optional.empty();
    }
}
