package io.wharf.registry;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What the API tests share: digests, unique repository names, pushing blobs and manifests the way
 * clients do, building manifests, and checking the spec's error bodies.
 */
final class Oci {

    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final RestAssuredConfig EXACT_CONTENT_TYPE = RestAssured.config()
            .encoderConfig(EncoderConfig.encoderConfig().appendDefaultContentCharsetToContentTypeIfUndefined(false));

    private Oci() {
    }

    /** A request as the administrator whose Content-Type is sent exactly as given (no charset appended). */
    static RequestSpecification given() {
        return anonymous().auth().preemptive().basic(Admin.USERNAME, Admin.PASSWORD);
    }

    /** The same without credentials. */
    static RequestSpecification anonymous() {
        return RestAssured.given().config(EXACT_CONTENT_TYPE).urlEncodingEnabled(false);
    }

    /** A repository name no other test uses: {@code <purpose>-<random>/app}. */
    static String repo(String purpose) {
        return purpose + "-" + suffix() + "/app";
    }

    /** Random lowercase hex, to keep names unique per test. */
    static String suffix() {
        byte[] b = new byte[5];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static String sha256(byte[] b) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A well-formed digest of bytes nobody pushes. */
    static String unknownDigest() {
        return sha256(randomBytes(32));
    }

    // ------------------------------------------------------------------ blobs

    record Descriptor(String mediaType, String digest, long size) {
        JsonObject json() {
            return new JsonObject().put("mediaType", mediaType).put("digest", digest).put("size", size);
        }
    }

    /** Pushes a blob monolithically ({@code POST ?digest=} with the body); 201 expected. */
    static Descriptor pushBlob(String repo, String mediaType, byte[] content) {
        String digest = sha256(content);
        given().queryParam("digest", digest).contentType("application/octet-stream").body(content)
                .post("/v2/" + repo + "/blobs/uploads/")
                .then().statusCode(201).header("Docker-Content-Digest", digest);
        return new Descriptor(mediaType, digest, content.length);
    }

    static Descriptor pushBlob(String repo, byte[] content) {
        return pushBlob(repo, OCI_LAYER, content);
    }

    /** Starts an upload session; returns its Location. */
    static String startUpload(String repo) {
        return given().post("/v2/" + repo + "/blobs/uploads/").then().statusCode(202).extract().header("Location");
    }

    // -------------------------------------------------------------- manifests

    static JsonObject imageManifest(String mediaType, Descriptor config, Descriptor... layers) {
        JsonArray l = new JsonArray();
        for (Descriptor layer : layers) {
            l.add(layer.json());
        }
        return new JsonObject().put("schemaVersion", 2).put("mediaType", mediaType)
                .put("config", config.json()).put("layers", l);
    }

    static JsonObject index(String mediaType, Descriptor... manifests) {
        JsonArray m = new JsonArray();
        for (Descriptor d : manifests) {
            m.add(d.json().put("platform", new JsonObject().put("os", "linux").put("architecture", "amd64")));
        }
        return new JsonObject().put("schemaVersion", 2).put("mediaType", mediaType).put("manifests", m);
    }

    static byte[] bytes(JsonObject json) {
        return utf8(json.encode());
    }

    static Response putManifest(String repo, String reference, String contentType, byte[] body) {
        return given().contentType(contentType).body(body).put("/v2/" + repo + "/manifests/" + reference);
    }

    /** Puts a manifest and expects 201 with the body's digest; returns its descriptor. */
    static Descriptor pushManifest(String repo, String reference, String mediaType, byte[] body) {
        String digest = sha256(body);
        putManifest(repo, reference, mediaType, body).then().statusCode(201)
                .header("Docker-Content-Digest", digest)
                .header("Location", "/v2/" + repo + "/manifests/" + digest);
        return new Descriptor(mediaType, digest, body.length);
    }

    /** A small OCI image: a config, one layer and the manifest, pushed under {@code tag}. */
    record Image(Descriptor config, Descriptor layer, byte[] manifest, Descriptor descriptor) {
        String digest() {
            return descriptor.digest();
        }
    }

    static Image pushImage(String repo, String tag) {
        Descriptor config = pushBlob(repo, OCI_CONFIG, utf8("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":\"" + suffix() + "\"}"));
        Descriptor layer = pushBlob(repo, OCI_LAYER, randomBytes(64));
        byte[] manifest = bytes(imageManifest(OCI_MANIFEST, config, layer));
        return new Image(config, layer, manifest, pushManifest(repo, tag, OCI_MANIFEST, manifest));
    }

    // ----------------------------------------------------------------- errors

    /** Checks an error response: status, the spec's JSON body with {@code code}, and JSON content type. */
    static ValidatableResponse assertError(Response response, int status, String code) {
        return response.then().statusCode(status)
                .contentType("application/json")
                .header("Docker-Distribution-API-Version", "registry/2.0")
                .body("errors", hasSize(1))
                .body("errors[0].code", equalTo(code))
                .body("errors[0].message", org.hamcrest.Matchers.not(org.hamcrest.Matchers.emptyOrNullString()));
    }

    // ------------------------------------------------------------------- raw

    /** A response read off a raw socket. */
    record RawResponse(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * Sends {@code method target} exactly as written (no client-side normalisation or encoding of
     * the path) with {@code Connection: close}, and reads the whole response.
     */
    static RawResponse raw(String method, String target) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            String request = "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .formatted(method, target, Admin.BASIC);
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return parse(socket.getInputStream().readAllBytes());
        }
    }

    static RawResponse parse(byte[] all) {
        int end = -1;
        for (int i = 0; i + 3 < all.length; i++) {
            if (all[i] == '\r' && all[i + 1] == '\n' && all[i + 2] == '\r' && all[i + 3] == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            throw new IllegalStateException("no HTTP response head in " + new String(all, StandardCharsets.ISO_8859_1));
        }
        List<String> lines = List.of(new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n"));
        int status = Integer.parseInt(lines.get(0).split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        byte[] body = java.util.Arrays.copyOfRange(all, end + 4, all.length);
        return new RawResponse(status, headers, body);
    }

    // --------------------------------------------------------------- streams

    /**
     * {@code size} bytes of a seeded pseudo-random sequence, generated as they are read (never
     * held in memory as a whole).
     */
    static InputStream generated(long seed, long size) {
        return new InputStream() {
            private final Random random = new Random(seed);
            private final byte[] block = new byte[8192];
            private int blockPos = block.length;
            private long remaining = size;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (remaining == 0) {
                    return -1;
                }
                if (blockPos == block.length) {
                    random.nextBytes(block);
                    blockPos = 0;
                }
                int n = (int) Math.min(Math.min(len, block.length - blockPos), remaining);
                System.arraycopy(block, blockPos, b, off, n);
                blockPos += n;
                remaining -= n;
                return n;
            }
        };
    }

    /** The sha256 digest of a stream, read to its end. */
    static String sha256(InputStream in) throws IOException {
        try (in) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                md.update(buffer, 0, n);
            }
            return "sha256:" + HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** GET of {@code blob} by its digest in {@code repo}: 200 and, hashed as it streams in, the same bytes. */
    static void assertPullsBack(String repo, byte[] blob) throws IOException {
        String digest = sha256(blob);
        assertEquals(digest, sha256(given().get("/v2/" + repo + "/blobs/" + digest).then().statusCode(200)
                .extract().asInputStream()));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
