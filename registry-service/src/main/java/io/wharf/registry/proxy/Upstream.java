package io.wharf.registry.proxy;

import java.net.URI;
import java.time.Duration;

/**
 * Where a proxy project fetches from: the upstream registry's base URL (its {@code /v2/} is below it),
 * the credentials to present when it asks for them (clear, in memory only; null when none), and how long
 * a tag checked with it is served without asking again.
 */
public record Upstream(String project, URI url, String username, String password, Duration tagCheckInterval) {

    /** Docker Hub's registry host, where one-component names live under {@code library/}. */
    static final String DOCKER_HUB = "registry-1.docker.io";

    /** The repository's path upstream: the local name without the project, {@code library/} added on Docker Hub. */
    String path(String repository) {
        String rest = repository.substring(project.length() + 1);
        return DOCKER_HUB.equalsIgnoreCase(url.getHost()) && rest.indexOf('/') < 0 ? "library/" + rest : rest;
    }

    /** The absolute URL of {@code /v2/<path>/<kind>/<reference>} upstream. */
    URI resource(String path, String kind, String reference) {
        String base = url.toString();
        return URI.create((base.endsWith("/") ? base : base + "/") + "v2/" + path + "/" + kind + "/" + reference);
    }

    boolean hasCredentials() {
        return username != null && password != null;
    }

    @Override
    public String toString() {
        // Never the password, in case a record ends up in a log.
        return "Upstream[" + project + " -> " + url + (hasCredentials() ? " as " + username : "") + "]";
    }
}
