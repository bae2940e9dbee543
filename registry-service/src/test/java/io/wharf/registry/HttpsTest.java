package io.wharf.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.wharf.infra.LocalCertificateAuthority;

/**
 * HTTPS served by the registry itself (WHARF_TLS_CERT, WHARF_TLS_KEY) next to plain HTTP: a client that
 * trusts the CA reaches /v2/ over TLS (HTTP/1.1 and HTTP/2) and is sent to the https token realm and https
 * upload and manifest Locations; the same requests over plain HTTP are sent to http ones; a client that does not
 * trust the CA is refused by its TLS handshake.
 */
@QuarkusTest
@TestProfile(HttpsTest.OperatorCertificate.class)
class HttpsTest {

    static final LocalCertificateAuthority CA = new LocalCertificateAuthority(Path.of("target/https-test-tls").toAbsolutePath());

    /** A certificate and key in PEM for localhost, signed by a CA made for the run. */
    public static class OperatorCertificate implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                CA.ensure(List.of("localhost", "127.0.0.1"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("wharf.tls.cert", CA.certificate().toString(), "wharf.tls.key", CA.key().toString());
        }
    }

    @TestHTTPResource(value = "/", tls = true)
    URL https;

    @TestHTTPResource("/")
    URL http;

    @Test
    void httpsAnswersWithTheChallengeRealmInHttpsOverHttp1AndHttp2() throws Exception {
        for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2)) {
            HttpResponse<String> r = trusting(version).send(HttpRequest.newBuilder(base(https).resolve("/v2/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, r.statusCode(), version + ": " + r.body());
            assertEquals("Bearer realm=\"https://localhost:" + https.getPort() + "/token\",service=\"wharf-registry\"",
                    r.headers().firstValue("WWW-Authenticate").orElse(null), version.toString());
            assertEquals(version, r.version());
        }
        HttpResponse<String> signedIn = trusting(HttpClient.Version.HTTP_2).send(
                Admin.request(base(https).resolve("/v2/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, signedIn.statusCode());
    }

    @Test
    void plainHttpStaysAndItsRealmIsHttpUnlessAProxySaysOtherwise() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(base(http).resolve("/v2/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, r.statusCode());
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer realm=\"http://localhost:" + http.getPort() + "/token\""),
                r.headers().toString());
        HttpResponse<String> proxied = client.send(HttpRequest.newBuilder(base(http).resolve("/v2/")).header("X-Forwarded-Proto", "https").build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(proxied.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer realm=\"https://localhost:" + http.getPort() + "/token\""),
                proxied.headers().toString());
    }

    @Test
    void uploadAndManifestLocationsFollowTheSchemeTheClientUsed() throws Exception {
        String repo = Oci.repo("https");
        for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2)) {
            HttpClient client = trusting(version);
            byte[] blob = Oci.randomBytes(1000);
            String digest = Oci.sha256(blob);
            URI upload = followLocation(https, client.send(Admin.request(base(https).resolve("/v2/" + repo + "/blobs/uploads/"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()), 202);
            assertEquals("https", upload.getScheme(), version.toString());
            URI committed = followLocation(https, client.send(Admin.request(URI.create(upload + "?digest=" + digest))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)).build(), HttpResponse.BodyHandlers.ofString()), 201);
            assertEquals("https", committed.getScheme());
            HttpResponse<byte[]> back = client.send(Admin.request(committed).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, back.statusCode());
            assertEquals(digest, Oci.sha256(back.body()));
        }
        Oci.Descriptor config = Oci.pushBlob(repo, Oci.utf8("{}"));
        byte[] manifest = Oci.bytes(Oci.imageManifest(Oci.OCI_MANIFEST, config));
        URI tagged = followLocation(https, trusting(HttpClient.Version.HTTP_2).send(Admin.request(base(https).resolve("/v2/" + repo + "/manifests/v1"))
                .header("Content-Type", Oci.OCI_MANIFEST).PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(),
                HttpResponse.BodyHandlers.ofString()), 201);
        assertEquals("https", tagged.getScheme());

        HttpResponse<String> overHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                Admin.request(base(http).resolve("/v2/" + repo + "/blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("http", followLocation(http, overHttp, 202).getScheme());
    }

    @Test
    void aClientThatDoesNotTrustTheCaIsRefused() {
        HttpClient untrusting = HttpClient.newBuilder().build();
        assertThrows(SSLHandshakeException.class,
                () -> untrusting.send(HttpRequest.newBuilder(base(https).resolve("/v2/")).build(), HttpResponse.BodyHandlers.ofString()));
    }

    /**
     * Where a Location sends the client, resolved against the URL the request went to (as clients do): it
     * must be on the same scheme, host and port, and never an absolute URL on the other scheme.
     */
    private static URI followLocation(URL requested, HttpResponse<String> r, int status) {
        assertEquals(status, r.statusCode(), r.body());
        String location = r.headers().firstValue("Location").orElseThrow();
        URI target = base(requested).resolve(location);
        assertEquals(requested.getProtocol(), target.getScheme(), location);
        assertEquals(requested.getPort(), target.getPort(), location);
        assertFalse(location.startsWith(requested.getProtocol().equals("https") ? "http:" : "https:"), location);
        return target;
    }

    /** The test URL with localhost, the name the certificate holds. */
    private static URI base(URL url) {
        return URI.create(url.getProtocol() + "://localhost:" + url.getPort() + "/");
    }

    /** A client that trusts the run's CA and nothing else. */
    private static HttpClient trusting(HttpClient.Version version) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(CA.caCertificate())) {
            trust.setCertificateEntry("wharf-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().version(version).sslContext(ssl).build();
    }
}
