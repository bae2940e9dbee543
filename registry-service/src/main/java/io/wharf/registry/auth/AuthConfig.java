package io.wharf.registry.auth;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.wharf.access.ApiToken;

/** Identity and access settings, under {@code wharf.auth}. */
@ConfigMapping(prefix = "wharf.auth")
public interface AuthConfig {

    /** The {@code service} of the Bearer challenge and the audience of registry tokens. */
    @WithDefault("wharf-registry")
    String service();

    /**
     * Issuer of every token this registry signs. The notifier and deployer accept API tokens of
     * {@link ApiToken#ISSUER} only ({@code mp.jwt.verify.issuer}): change both together.
     */
    @WithDefault(ApiToken.ISSUER)
    String issuer();

    /**
     * The token endpoint announced in challenges. Unset: {@code <scheme>://<Host header>/token},
     * which is right behind any proxy that keeps the Host header.
     */
    Optional<String> realm();

    /**
     * PEM file of the RSA private key that signs tokens (PKCS#8). Created on first start when it
     * does not exist; give every instance the same file so they accept each other's tokens. The
     * public key is written beside it ({@code .pub.pem}) for the notifier and deployer.
     */
    String signingKey();

    /** Lifetime of a registry access token. */
    @WithDefault("5m")
    Duration tokenTtl();

    /** Lifetime of a refresh token ({@code offline_token=true}, docker login). */
    @WithDefault("30d")
    Duration refreshTokenTtl();

    /** Lifetime of a management API token ({@code POST /api/v1/auth/token}). */
    @WithDefault("1h")
    Duration apiTokenTtl();

    /** How long verified Basic credentials are remembered, so a request does not cost a bcrypt hash. */
    @WithDefault("60s")
    Duration credentialCacheTtl();

    /**
     * How long project visibility and memberships are cached per instance: the safety net for a change
     * announced by another instance ({@code NOTIFY wharf_cached_state}) that this one did not hear.
     */
    @WithDefault("5s")
    Duration policyCacheTtl();

    /** bcrypt cost for new password hashes. */
    @WithDefault("10")
    int bcryptCost();

    /** Who may create projects through the API: {@code everyone} (any signed-in user, as in Harbor) or {@code admin}. */
    @WithDefault("everyone")
    String projectCreation();

    Admin admin();

    RateLimit rateLimit();

    SignIn signIn();

    interface Admin {
        /**
         * The system administrator created at first start: {@code WHARF_ADMIN_USER}, else {@code admin}
         * (both set in application.properties, which maps the variable).
         */
        String username();

        /** Its password (the quickstart passes {@code WHARF_ADMIN_PASSWORD}); without one no admin is created. */
        Optional<String> password();
    }

    /** Pull limits the Docker Hub way: a pull is a manifest GET; HEAD is free. */
    interface RateLimit {
        /** Pulls per window for anonymous callers, counted per client address (0 = unlimited). */
        @WithDefault("100")
        int anonymous();

        /** Pulls per window for each signed-in account (0 = unlimited). */
        @WithDefault("200")
        int authenticated();

        /** Pulls per day for each signed-in account, besides the window's limit (0 = no daily cap). */
        @WithDefault("5000")
        int authenticatedDaily();

        /** Pulls per window for all robots of one project together (0 = unlimited). */
        @WithDefault("10000")
        int robotsPerProject();

        /** The window the limits count over. */
        @WithDefault("6h")
        Duration window();

        /** How often each instance adds its counts to the shared counters in PostgreSQL. */
        @WithDefault("1s")
        Duration syncInterval();
    }

    /** Backing off password guessing ({@link SignInThrottle}). */
    interface SignIn {
        /** Failed sign-ins for one account within the window after which its sign-ins are refused (0 = never). */
        @WithDefault("10")
        int maxFailures();

        /** Failed sign-ins from one address (an IPv6 /64) within the window after which its sign-ins are refused (0 = never). */
        @WithDefault("50")
        int maxFailuresPerAddress();

        /** How long a failure counts. */
        @WithDefault("15m")
        Duration window();
    }
}
