package io.wharf.registry;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;

/**
 * Docker token auth as clients use it: challenges, the token endpoint (GET with Basic or anonymous,
 * OAuth2 POST with password and refresh_token grants), 401 vs 403, and tokens that must be refused.
 */
@QuarkusTest
class TokenAuthTest {

    @Test
    void theBaseEndpointChallengesWithTheTokenRealm() {
        Oci.assertError(Oci.anonymous().get("/v2/"), 401, "UNAUTHORIZED")
                .header("WWW-Authenticate", startsWith("Bearer realm=\"http://"))
                .header("WWW-Authenticate", containsString("/token\",service=\"wharf-registry\""));
        Oci.anonymous().header("Authorization", "Basic Og==").get("/v2/").then().statusCode(401);
        Accounts.as(Admin.USERNAME, "wrong-password").get("/v2/").then().statusCode(401);
        Admin.given().get("/v2/").then().statusCode(200);
        String anonymous = Accounts.token(null, null);
        Accounts.bearer(anonymous).get("/v2/").then().statusCode(200);
    }

    @Test
    void anonymousCallersPullPublicRepositoriesAndAreChallengedOnPrivateOnes() {
        String pub = Accounts.project("pub", true);
        String priv = Accounts.project("priv", false);
        Oci.Image p = Oci.pushImage(pub + "/app", "v1");
        Oci.Image q = Oci.pushImage(priv + "/app", "v1");

        Oci.anonymous().accept(Oci.OCI_MANIFEST).get("/v2/" + pub + "/app/manifests/v1").then().statusCode(200)
                .header("Docker-Content-Digest", p.digest());
        Oci.assertError(Oci.anonymous().get("/v2/" + priv + "/app/manifests/v1"), 401, "UNAUTHORIZED")
                .header("WWW-Authenticate", containsString("scope=\"repository:" + priv + "/app:pull\""));
        // The same answer whether the private repository exists or not.
        Oci.assertError(Oci.anonymous().get("/v2/" + priv + "/nothing/manifests/v1"), 401, "UNAUTHORIZED");
        Oci.assertError(Oci.anonymous().get("/v2/" + priv + "/app/blobs/" + q.layer().digest()), 401, "UNAUTHORIZED");

        String token = Accounts.token(null, null, "repository:" + priv + "/app:pull", "repository:" + pub + "/app:pull,push");
        Oci.assertError(Accounts.bearer(token).get("/v2/" + priv + "/app/manifests/v1"), 401, "DENIED")
                .body("errors[0].message", equalTo("requested access to the resource is denied"))
                .header("WWW-Authenticate", containsString("error=\"insufficient_scope\""));
        // A HEAD carries it in the challenge alone.
        Accounts.bearer(token).head("/v2/" + priv + "/app/manifests/v1").then().statusCode(401)
                .header("WWW-Authenticate", containsString("scope=\"repository:" + priv + "/app:pull\",error=\"insufficient_scope\""));
        Accounts.bearer(token).accept(Oci.OCI_MANIFEST).get("/v2/" + pub + "/app/manifests/v1").then().statusCode(200);
        Oci.assertError(Accounts.bearer(token).post("/v2/" + pub + "/app/blobs/uploads/"), 401, "DENIED");
    }

    @Test
    void aUserPushesToItsOwnProjectButNotToOthers() {
        String user = Accounts.user("pusher");
        String other = Accounts.project("other", false);
        Oci.assertError(Oci.anonymous().post("/v2/" + user + "/app/blobs/uploads/"), 401, "UNAUTHORIZED")
                .header("WWW-Authenticate", containsString("scope=\"repository:" + user + "/app:pull,push\""));
        String token = Accounts.token(user, Accounts.PASSWORD, "repository:" + user + "/app:push,pull", "repository:" + other + "/app:push,pull");
        Accounts.bearer(token).post("/v2/" + user + "/app/blobs/uploads/").then().statusCode(202);
        Oci.assertError(Accounts.bearer(token).post("/v2/" + other + "/app/blobs/uploads/"), 401, "DENIED");
        // Basic credentials work on /v2/ too.
        Accounts.as(user).post("/v2/" + user + "/app/blobs/uploads/").then().statusCode(202);
        Oci.assertError(Accounts.as(user).post("/v2/" + other + "/app/blobs/uploads/"), 403, "DENIED");
        // The token holds exactly what was granted.
        JsonObject claims = claims(token);
        assertEquals(user, claims.getString("sub"));
        assertEquals(List.of("pull", "push"), claims.getJsonArray("access").getJsonObject(0).getJsonArray("actions").getList());
        assertEquals(List.of(), claims.getJsonArray("access").getJsonObject(1).getJsonArray("actions").getList());
    }

    @Test
    void theTokenEndpointRefusesWrongPasswords() {
        String user = Accounts.user("wrong");
        RestAssured.given().auth().preemptive().basic(user, "not-the-password").queryParam("scope", "repository:" + user + "/a:pull")
                .get("/token").then().statusCode(401).body("errors[0].code", equalTo("UNAUTHORIZED"));
        RestAssured.given().contentType(ContentType.URLENC).formParam("grant_type", "password").formParam("username", user)
                .formParam("password", "nope-nope").formParam("client_id", "test").post("/token").then().statusCode(401);
        RestAssured.given().contentType(ContentType.URLENC).formParam("grant_type", "client_credentials").post("/token")
                .then().statusCode(400).body("error", equalTo("unsupported_grant_type"));
    }

    @Test
    void dockerLoginGetsARefreshTokenThatAPasswordChangeRetires() {
        String user = Accounts.user("refresh");
        // docker login: GET with Basic, offline_token=true, no scope.
        String refresh = RestAssured.given().auth().preemptive().basic(user, Accounts.PASSWORD)
                .queryParam("account", user).queryParam("client_id", "docker").queryParam("offline_token", "true")
                .queryParam("service", "wharf-registry").get("/token")
                .then().statusCode(200).body("token", notNullValue()).body("refresh_token", notNullValue())
                .extract().path("refresh_token");
        // Later operations: OAuth2 POST with the refresh token and no Authorization header.
        String token = RestAssured.given().contentType(ContentType.URLENC).formParam("grant_type", "refresh_token")
                .formParam("refresh_token", refresh).formParam("client_id", "docker").formParam("service", "wharf-registry")
                .formParam("scope", "repository:" + user + "/app:push,pull").post("/token")
                .then().statusCode(200).body("access_token", notNullValue()).extract().path("access_token");
        Accounts.bearer(token).post("/v2/" + user + "/app/blobs/uploads/").then().statusCode(202);
        // The password grant works too, and a GET without offline_token gives no refresh token.
        RestAssured.given().contentType(ContentType.URLENC).formParam("grant_type", "password").formParam("username", user)
                .formParam("password", Accounts.PASSWORD).formParam("scope", "repository:" + user + "/app:pull").post("/token")
                .then().statusCode(200).body("access_token", notNullValue());
        RestAssured.given().auth().preemptive().basic(user, Accounts.PASSWORD).get("/token").then().statusCode(200)
                .body("refresh_token", nullValue());

        Admin.given().contentType(ContentType.JSON).body(Map.of("password", "another-long-password"))
                .put("/api/v1/users/" + user + "/password").then().statusCode(204);
        RestAssured.given().contentType(ContentType.URLENC).formParam("grant_type", "refresh_token").formParam("refresh_token", refresh)
                .formParam("scope", "repository:" + user + "/app:pull").post("/token").then().statusCode(401);
    }

    @Test
    void forgedExpiredMisdirectedAndWidenedTokensAreRefused() throws Exception {
        String user = Accounts.user("forge");
        String project = Accounts.project("forged", false);
        Oci.pushImage(project + "/app", "v1");
        String path = "/v2/" + project + "/app/manifests/v1";
        Map<String, Object> access = Map.of("type", "repository", "name", project + "/app", "actions", List.of("pull"));

        // Signed with another key.
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        String forged = sign((RSAPrivateKey) g.generateKeyPair().getPrivate(), "wharf-registry", Instant.now().plusSeconds(300), user, access);
        Oci.assertError(Accounts.bearer(forged).get(path), 401, "UNAUTHORIZED")
                .header("WWW-Authenticate", containsString("error=\"invalid_token\""));

        RSAPrivateKey real = registryKey();
        // The right key, but expired, or for another audience.
        Oci.assertError(Accounts.bearer(sign(real, "wharf-registry", Instant.now().minusSeconds(120), user, access)).get(path), 401, "UNAUTHORIZED");
        Oci.assertError(Accounts.bearer(sign(real, "another-registry", Instant.now().plusSeconds(300), user, access)).get(path), 401, "UNAUTHORIZED");
        // A management API token is not a registry token.
        String api = Accounts.as(user).post("/api/v1/auth/token").then().statusCode(200).extract().path("token");
        Oci.assertError(Accounts.bearer(api).get(path), 401, "UNAUTHORIZED");
        // Sanity: the same claims, signed right and current, are accepted.
        Accounts.bearer(sign(real, "wharf-registry", Instant.now().plusSeconds(300), user, access)).accept(Oci.OCI_MANIFEST).get(path)
                .then().statusCode(200);
        // ... but not without what they were made with (the account's id and token version): a token bound to nothing.
        Oci.assertError(Accounts.bearer(sign(real, "wharf-registry", Instant.now().plusSeconds(300), user, access, false)).get(path), 401, "UNAUTHORIZED")
                .header("WWW-Authenticate", containsString("error=\"invalid_token\""));

        // A token granted nothing on the project, its payload widened to pull: the signature no longer matches.
        String granted = Accounts.token(user, Accounts.PASSWORD, "repository:" + project + "/app:pull");
        String[] parts = granted.split("\\.");
        JsonObject payload = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        payload.getJsonArray("access").getJsonObject(0).put("actions", List.of("pull", "push"));
        String widened = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.encode().getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        Oci.assertError(Accounts.bearer(granted).get(path), 401, "DENIED");
        Oci.assertError(Accounts.bearer(widened).get(path), 401, "UNAUTHORIZED");
    }

    @Test
    void robotsActWithinTheirPermissionsAndNotAfterExpiry() {
        String project = Accounts.project("robots", false);
        Oci.Image image = Oci.pushImage(project + "/app", "v1");
        String[] puller = Accounts.robot(project, "ci-pull", List.of("pull"));
        assertEquals("robot$" + project + "+ci-pull", puller[0]);
        Accounts.as(puller[0], puller[1]).accept(Oci.OCI_MANIFEST).get("/v2/" + project + "/app/manifests/v1").then().statusCode(200)
                .header("Docker-Content-Digest", image.digest());
        Oci.assertError(Accounts.as(puller[0], puller[1]).post("/v2/" + project + "/app/blobs/uploads/"), 403, "DENIED");
        Oci.assertError(Accounts.as(puller[0], "wharf_rbt_wrong").get("/v2/" + project + "/app/manifests/v1"), 401, "UNAUTHORIZED");
        // The secret is never shown again.
        Admin.given().get("/api/v1/projects/" + project + "/robots").then().statusCode(200)
                .body("[0].name", equalTo(puller[0])).body("[0]", not(hasItem("secret"))).body("[0].secret", nullValue());

        String[] pusher = Accounts.robot(project, "ci-push", List.of("pull", "push"));
        String token = Accounts.token(pusher[0], pusher[1], "repository:" + project + "/app:push,pull");
        Accounts.bearer(token).post("/v2/" + project + "/app/blobs/uploads/").then().statusCode(202);
        // A robot of one project has nothing in another private one.
        String elsewhere = Accounts.project("elsewhere", false);
        Oci.assertError(Accounts.as(pusher[0], pusher[1]).post("/v2/" + elsewhere + "/app/blobs/uploads/"), 403, "DENIED");

        // Expired: refused at the token endpoint and on /v2.
        String expiresAt = Admin.given().contentType(ContentType.JSON).body(Map.of("name", "expiring", "permissions", List.of("pull"), "expiresInDays", 1))
                .post("/api/v1/projects/" + project + "/robots").then().statusCode(201).extract().path("expiresAt");
        org.junit.jupiter.api.Assertions.assertNotNull(expiresAt);
        String[] expiring = {"robot$" + project + "+expiring", Admin.given().post("/api/v1/projects/" + project + "/robots/expiring/secret")
                .then().statusCode(200).extract().path("secret")};
        Accounts.as(expiring[0], expiring[1]).accept(Oci.OCI_MANIFEST).get("/v2/" + project + "/app/manifests/v1").then().statusCode(200);
        TestDatabase.execute("update robot set expires_at = now() - interval '1 minute' where name = 'expiring'");
        // Credentials already checked are remembered for a while; a new login must see the expiry.
        io.quarkus.arc.Arc.container().instance(io.wharf.registry.auth.Authenticator.class).get().forgetAll();
        RestAssured.given().auth().preemptive().basic(expiring[0], expiring[1]).queryParam("scope", "repository:" + project + "/app:pull")
                .get("/token").then().statusCode(401);
        Oci.assertError(Accounts.as(expiring[0], expiring[1]).get("/v2/" + project + "/app/manifests/v1"), 401, "UNAUTHORIZED");
    }

    @Test
    void personalAccessTokensWorkAsPasswords() {
        String user = Accounts.user("pat");
        String pat = Accounts.as(user).contentType(ContentType.JSON).body(Map.of("name", "laptop"))
                .post("/api/v1/users/me/tokens").then().statusCode(201).body("token", startsWith("wharf_pat_")).extract().path("token");
        Accounts.as(user, pat).post("/v2/" + user + "/app/blobs/uploads/").then().statusCode(202);
        Accounts.as(user).get("/api/v1/users/me/tokens").then().statusCode(200).body("[0].name", equalTo("laptop")).body("[0].token", nullValue());
        Accounts.as(user).delete("/api/v1/users/me/tokens/laptop").then().statusCode(204);
        // Remembered credentials are dropped with the token.
        Oci.assertError(Accounts.as(user, pat).post("/v2/" + user + "/app/blobs/uploads/"), 401, "UNAUTHORIZED");
    }

    @Test
    void theCatalogListsOnlyWhatTheCallerMaySee() {
        String user = Accounts.user("lister");
        String hidden = Accounts.project("hidden", false);
        String shown = Accounts.project("shown", true);
        Oci.pushImage(hidden + "/app", "v1");
        Oci.pushImage(shown + "/app", "v1");
        Oci.pushImage(user + "/mine", "v1");
        List<String> seen = Accounts.as(user).queryParam("n", 10000).get("/v2/_catalog").then().statusCode(200).extract().path("repositories");
        org.junit.jupiter.api.Assertions.assertTrue(seen.contains(shown + "/app") && seen.contains(user + "/mine"), seen.toString());
        org.junit.jupiter.api.Assertions.assertFalse(seen.contains(hidden + "/app"), seen.toString());
        List<String> all = Admin.given().queryParam("n", 10000).get("/v2/_catalog").then().statusCode(200).extract().path("repositories");
        org.junit.jupiter.api.Assertions.assertTrue(all.contains(hidden + "/app"));
        Oci.assertError(Oci.anonymous().get("/v2/_catalog"), 401, "UNAUTHORIZED")
                .header("WWW-Authenticate", containsString("scope=\"registry:catalog:*\""));
    }

    @Test
    void aMountFromARepositoryTheCallerMayNotReadIsAnOrdinaryUpload() {
        String user = Accounts.user("mounter");
        String secret = Accounts.project("secret", false);
        Oci.Image image = Oci.pushImage(secret + "/app", "v1");
        Accounts.as(user).queryParam("mount", image.layer().digest()).queryParam("from", secret + "/app")
                .post("/v2/" + user + "/app/blobs/uploads/").then().statusCode(202).header("Location", notNullValue());
        Oci.assertError(Accounts.as(user).get("/v2/" + user + "/app/blobs/" + image.layer().digest()), 404, "BLOB_UNKNOWN");
        // With pull rights on the source the mount happens.
        Accounts.member(secret, user, "guest");
        Accounts.as(user).queryParam("mount", image.layer().digest()).queryParam("from", secret + "/app")
                .post("/v2/" + user + "/app/blobs/uploads/").then().statusCode(201);
    }

    @Test
    void aMountChallengeAsksToPullTheSourceAndItsScopeAsGivenBuysTheMount() {
        String user = Accounts.user("chmount");
        Oci.Image image = Oci.pushImage(user + "/src", "v1");
        String digest = image.layer().digest();
        String challenge = Oci.assertError(Oci.anonymous().queryParam("mount", digest).queryParam("from", user + "/src")
                .post("/v2/" + user + "/dst/blobs/uploads/"), 401, "UNAUTHORIZED").extract().header("WWW-Authenticate");
        String both = "repository:" + user + "/dst:pull,push repository:" + user + "/src:pull";
        assertTrue(challenge.contains("scope=\"" + both + "\""), challenge);
        // A client that passes the challenge's scope on as one parameter gets both grants.
        String token = Accounts.token(user, Accounts.PASSWORD, both);
        JsonObject claims = claims(token);
        assertEquals(List.of("pull", "push"), claims.getJsonArray("access").getJsonObject(0).getJsonArray("actions").getList());
        assertEquals(user + "/src", claims.getJsonArray("access").getJsonObject(1).getString("name"));
        assertEquals(List.of("pull"), claims.getJsonArray("access").getJsonObject(1).getJsonArray("actions").getList());
        Accounts.bearer(token).queryParam("mount", digest).queryParam("from", user + "/src")
                .post("/v2/" + user + "/dst/blobs/uploads/").then().statusCode(201)
                .header("Location", endsWith("/v2/" + user + "/dst/blobs/" + digest)).header("Docker-Content-Digest", digest);
        Accounts.bearer(token).get("/v2/" + user + "/dst/blobs/" + digest).then().statusCode(200);
        // Without a mount, or mounting from the same repository, the challenge names the target alone.
        Oci.anonymous().post("/v2/" + user + "/dst/blobs/uploads/").then().statusCode(401)
                .header("WWW-Authenticate", containsString("scope=\"repository:" + user + "/dst:pull,push\""));
        Oci.anonymous().queryParam("mount", digest).queryParam("from", user + "/dst").post("/v2/" + user + "/dst/blobs/uploads/")
                .then().statusCode(401).header("WWW-Authenticate", containsString("scope=\"repository:" + user + "/dst:pull,push\""));
    }

    private static JsonObject claims(String token) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    private static RSAPrivateKey registryKey() throws Exception {
        String pem = Files.readString(Path.of("target/keys/token-signing-key.pem"));
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }

    private static String sign(RSAPrivateKey key, String audience, Instant expires, String user, Map<String, Object> access) throws Exception {
        return sign(key, audience, expires, user, access, true);
    }

    /** A token with these claims; {@code bound}: with the account's id and token version, as the registry binds its tokens. */
    private static String sign(RSAPrivateKey key, String audience, Instant expires, String user, Map<String, Object> access, boolean bound) throws Exception {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().issuer("wharf").audience(audience).subject(user)
                .issueTime(Date.from(expires.minusSeconds(300))).expirationTime(Date.from(expires))
                .claim("kind", "USER").claim("access", List.of(access));
        if (bound) {
            JsonObject made = claims(Accounts.token(user, Accounts.PASSWORD, "repository:" + user + "/app:pull"));
            builder.claim("uid", made.getLong("uid")).claim("tv", made.getInteger("tv"));
        }
        JWTClaimsSet claims = builder.build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
