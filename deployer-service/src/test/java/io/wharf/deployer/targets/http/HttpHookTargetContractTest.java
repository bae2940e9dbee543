package io.wharf.deployer.targets.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.mutiny.core.Vertx;
import io.wharf.deployer.config.DeployerConfig;
import io.wharf.deployer.support.HookReceiver;
import io.wharf.deployer.targets.DeployTarget;
import io.wharf.deployer.targets.DeployTargetContract;
import io.wharf.deployer.targets.TargetDefinition;
import io.wharf.infra.Net;
import io.wharf.outbound.SecretBox;
import io.wharf.outbound.WebhookSignature;

/**
 * The HTTP deploy hook passes the {@link DeployTargetContract} against a real HTTP receiver on
 * loopback (the only private network its guard lets it call, as in the test profile). A hook cannot
 * be asked what it runs and has no rollout to watch.
 */
class HttpHookTargetContractTest extends DeployTargetContract<HttpHookSettings> {

    private static final String SECRET = WebhookSignature.newSecret();
    private static final String TOKEN = "Bearer contract-token-1234";
    private static final SecretBox BOX = new SecretBox(Base64.getEncoder().encodeToString(new byte[32]));

    private static Vertx vertx;
    private static HttpHookTarget target;
    private final List<HookReceiver> receivers = new ArrayList<>();

    @BeforeAll
    static void createTarget() {
        vertx = Vertx.vertx();
        target = new HttpHookTarget(vertx, BOX, new Config());
    }

    @AfterAll
    static void closeVertx() {
        vertx.closeAndAwait();
    }

    @AfterEach
    void stopReceivers() {
        receivers.forEach(HookReceiver::close);
    }

    @Override
    protected DeployTarget<HttpHookSettings> target() {
        return target;
    }

    @Override
    protected HttpHookSettings freshWorkload() throws Exception {
        HookReceiver receiver = new HookReceiver(204);
        receivers.add(receiver);
        return settings(receiver.url("/deploy"));
    }

    @Override
    protected HttpHookSettings settingsMissingARequiredField() {
        return new HttpHookSettings(null, null, null, null, null, null, BOX.seal(SECRET));
    }

    @Override
    protected String initialImage() {
        return null;
    }

    @Override
    protected String imageTheWorkloadWasGiven(HttpHookSettings settings) throws Exception {
        HookReceiver receiver = receivers.get(receivers.size() - 1);
        assertEquals(1, receiver.calls.size(), "one call per change");
        return new ObjectMapper().readTree(receiver.calls.get(0).body()).path("image").asText();
    }

    @Override
    protected boolean knowsWhatItRuns() {
        return false;
    }

    @Override
    protected boolean watchesRollouts() {
        return false;
    }

    @Override
    protected HttpHookSettings unreachableWorkload() {
        return settings("http://127.0.0.1:" + Net.freePort() + "/deploy");
    }

    @Override
    protected List<String> secretsIn(HttpHookSettings settings) {
        return List.of(SECRET, settings.secret(), TOKEN);
    }

    @Test
    void masksTheQueryTheHeaderValuesAndTheSecretAndKeepsThemOnlyWhileTheEndpointStays() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode given = json.createObjectNode().put("method", "PUT");
        given.putObject("headers").put("Authorization", TOKEN);
        TargetDefinition defined = target.define("https://ci.example.com/deploy?token=t-1&env=prod", given, json.createObjectNode());
        assertEquals("https://ci.example.com/deploy?token=********&env=********", defined.endpoint());
        assertEquals("********", defined.settings().path("headers").path("Authorization").asText());
        assertEquals("********", defined.settings().path("secret").asText());
        assertFalse(defined.settings().toString().contains("t-1") || defined.settings().toString().contains(TOKEN));
        String secret = defined.newSecret();
        assertTrue(secret.startsWith("whsec_"), "a generated secret, shown once");
        HttpHookSettings joined = target.settings(defined, false, json.createObjectNode());
        assertEquals("https://ci.example.com/deploy?token=t-1&env=prod", joined.url());
        assertEquals(secret, joined.secret());
        assertEquals(TOKEN, joined.headers().get("Authorization"));

        ObjectNode masked = json.createObjectNode().put("method", "PUT").put("secret", "********");
        masked.putObject("headers").put("Authorization", "********");
        String same = "https://ci.example.com/deploy?token=********&env=********";
        assertEquals(same, target.endpointOf(same));
        TargetDefinition kept = target.define(same, masked, defined.credentials());
        assertNull(kept.newSecret());
        assertEquals(joined, target.settings(kept, false, json.createObjectNode()), "the same endpoint keeps every credential");

        TargetDefinition moved = target.define("https://elsewhere.example.com/deploy?token=********", masked, json.createObjectNode());
        HttpHookSettings fresh = target.settings(moved, false, json.createObjectNode());
        assertEquals("https://elsewhere.example.com/deploy", fresh.url());
        assertNull(fresh.headers().get("Authorization"));
        assertNotEquals(secret, fresh.secret());
        assertEquals(fresh.secret(), moved.newSecret());

        assertThrows(IllegalArgumentException.class, () -> target.define("https://ci.example.com/x",
                json.createObjectNode().put("url", "https://other"), json.createObjectNode()));
        assertThrows(IllegalArgumentException.class, () -> target.settings(defined, false, json.createObjectNode().put("container", "x")));
    }

    private static HttpHookSettings settings(String url) {
        return new HttpHookSettings(url, null, null, null, Map.of("Authorization", TOKEN), null, BOX.seal(SECRET));
    }

    /** The outbound settings of the test profile: loopback allowed, everything else private refused. */
    private static final class Config implements DeployerConfig {
        @Override
        public String registryHost() {
            return "registry.test:5000";
        }

        @Override
        public Duration verifyTimeout() {
            return Duration.ofSeconds(5);
        }

        @Override
        public Duration sweepInterval() {
            return Duration.ofMinutes(1);
        }

        @Override
        public String secretsKey() {
            return Base64.getEncoder().encodeToString(new byte[32]);
        }

        @Override
        public Outbound outbound() {
            return new Outbound() {
                @Override
                public boolean allowPrivate() {
                    return false;
                }

                @Override
                public Optional<List<String>> allowedNetworks() {
                    return Optional.of(List.of("127.0.0.1/32"));
                }

                @Override
                public Duration connectTimeout() {
                    return Duration.ofSeconds(2);
                }

                @Override
                public Duration requestTimeout() {
                    return Duration.ofSeconds(3);
                }
            };
        }
    }
}
