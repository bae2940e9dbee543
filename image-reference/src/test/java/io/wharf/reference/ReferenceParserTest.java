package io.wharf.reference;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.wharf.reference.InvalidReferenceException.Code;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Table-driven check of {@link ReferenceParser} against the docker CLI's behaviour
 * ({@code reference.ParseNormalizedNamed}, {@code FamiliarString}, go-digest errors).
 */
class ReferenceParserTest {

    static final String HEX64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final String D = "sha256:" + HEX64;
    static final String D384 = "sha384:" + "0123456789abcdef".repeat(6);
    static final String D512 = "sha512:" + "0123456789abcdef".repeat(8);
    static final String HEX32 = "0123456789abcdef".repeat(2);

    static final String LOWERCASE = "repository name must be lowercase";
    static final String FORMAT = "invalid reference format";
    static final String EMPTY_NAME = "repository name must have at least one component";
    static final String EMPTY_COMPONENT =
            "repository name must not contain empty components (leading, trailing or repeated '/')";
    static final String TOO_LONG = "repository name must not be more than 255 characters";
    static final String TAG_CHARS = "invalid tag format: tag must start with a letter, digit or '_'"
            + " and contain only letters, digits, '_', '.' and '-'";

    static String component(String c) {
        return "repository name component (" + c + ") must be lowercase letters and digits, separated by '.', '_', '__' or '-'";
    }

    static String host(String h) {
        return "invalid registry host (" + h + ")";
    }

    /** input, registry, repository, tag, digest, canonical, familiar. */
    static Arguments ok(String input, String registry, String repository, String tag, String digest,
                        String canonical, String familiar) {
        return Arguments.of(input, registry, repository, tag, digest, canonical, familiar);
    }

    static Stream<Arguments> valid() {
        String tag128 = "a".repeat(128);
        String long255 = "a".repeat(255);
        String z64 = "z".repeat(64);
        String hex63 = HEX64.substring(1);
        return Stream.of(
                // the issue's examples
                ok("nginx", "docker.io", "library/nginx", null, null, "docker.io/library/nginx:latest", "nginx"),
                ok("devwikirepo/tencounter", "docker.io", "devwikirepo/tencounter", null, null,
                        "docker.io/devwikirepo/tencounter:latest", "devwikirepo/tencounter"),
                ok("devwiki.com/myproject/mynginx:2.1.0-alpine", "devwiki.com", "myproject/mynginx", "2.1.0-alpine", null,
                        "devwiki.com/myproject/mynginx:2.1.0-alpine", "devwiki.com/myproject/mynginx:2.1.0-alpine"),
                ok("wharf.example.com:5000/team/app:1.2", "wharf.example.com:5000", "team/app", "1.2", null,
                        "wharf.example.com:5000/team/app:1.2", "wharf.example.com:5000/team/app:1.2"),
                ok("team/app@" + D, "docker.io", "team/app", null, D, "docker.io/team/app@" + D, "team/app@" + D),
                // Docker Hub normalization and familiar form
                ok("nginx:latest", "docker.io", "library/nginx", "latest", null, "docker.io/library/nginx:latest", "nginx:latest"),
                ok("nginx:1.25.3-alpine", "docker.io", "library/nginx", "1.25.3-alpine", null,
                        "docker.io/library/nginx:1.25.3-alpine", "nginx:1.25.3-alpine"),
                ok("docker.io/nginx", "docker.io", "library/nginx", null, null, "docker.io/library/nginx:latest", "nginx"),
                ok("docker.io/library/nginx", "docker.io", "library/nginx", null, null, "docker.io/library/nginx:latest", "nginx"),
                ok("library/nginx", "docker.io", "library/nginx", null, null, "docker.io/library/nginx:latest", "nginx"),
                ok("index.docker.io/nginx", "docker.io", "library/nginx", null, null, "docker.io/library/nginx:latest", "nginx"),
                ok("index.docker.io/library/nginx:1.25", "docker.io", "library/nginx", "1.25", null,
                        "docker.io/library/nginx:1.25", "nginx:1.25"),
                ok("index.docker.io/foo/bar", "docker.io", "foo/bar", null, null, "docker.io/foo/bar:latest", "foo/bar"),
                ok("docker.io/foo/bar", "docker.io", "foo/bar", null, null, "docker.io/foo/bar:latest", "foo/bar"),
                ok("docker.io/library/foo/bar", "docker.io", "library/foo/bar", null, null,
                        "docker.io/library/foo/bar:latest", "library/foo/bar"),
                ok("store/foo/bar:1", "docker.io", "store/foo/bar", "1", null, "docker.io/store/foo/bar:1", "store/foo/bar:1"),
                ok("test_com/foo", "docker.io", "test_com/foo", null, null, "docker.io/test_com/foo:latest", "test_com/foo"),
                // other registries: host only with '.', ':' or localhost; no library/ added
                ok("localhost/foo", "localhost", "foo", null, null, "localhost/foo:latest", "localhost/foo"),
                ok("localhost:5000/foo", "localhost:5000", "foo", null, null, "localhost:5000/foo:latest", "localhost:5000/foo"),
                ok("localhost:5000/foo/bar:1.0", "localhost:5000", "foo/bar", "1.0", null,
                        "localhost:5000/foo/bar:1.0", "localhost:5000/foo/bar:1.0"),
                ok("127.0.0.1:5000/team/app:1.2", "127.0.0.1:5000", "team/app", "1.2", null,
                        "127.0.0.1:5000/team/app:1.2", "127.0.0.1:5000/team/app:1.2"),
                ok("192.168.0.1/app", "192.168.0.1", "app", null, null, "192.168.0.1/app:latest", "192.168.0.1/app"),
                ok("example.com/privatebase", "example.com", "privatebase", null, null,
                        "example.com/privatebase:latest", "example.com/privatebase"),
                ok("example.com:8000/private/moonbase", "example.com:8000", "private/moonbase", null, null,
                        "example.com:8000/private/moonbase:latest", "example.com:8000/private/moonbase"),
                ok("test-com:8080/foo", "test-com:8080", "foo", null, null, "test-com:8080/foo:latest", "test-com:8080/foo"),
                ok("xn--n3h.com/foo", "xn--n3h.com", "foo", null, null, "xn--n3h.com/foo:latest", "xn--n3h.com/foo"),
                ok("[fc00::1]:5000/docker/docker:tag", "[fc00::1]:5000", "docker/docker", "tag", null,
                        "[fc00::1]:5000/docker/docker:tag", "[fc00::1]:5000/docker/docker:tag"),
                ok("[2001:db8::1]/app", "[2001:db8::1]", "app", null, null, "[2001:db8::1]/app:latest", "[2001:db8::1]/app"),
                ok("registry.example.com/a/b/c/d:v1", "registry.example.com", "a/b/c/d", "v1", null,
                        "registry.example.com/a/b/c/d:v1", "registry.example.com/a/b/c/d:v1"),
                ok("Foo/bar", "Foo", "bar", null, null, "Foo/bar:latest", "Foo/bar"),
                // digests, tag and digest together
                ok("nginx@" + D, "docker.io", "library/nginx", null, D, "docker.io/library/nginx@" + D, "nginx@" + D),
                ok("nginx:1.25@" + D, "docker.io", "library/nginx", "1.25", D,
                        "docker.io/library/nginx:1.25@" + D, "nginx:1.25@" + D),
                ok("a:b@" + D, "docker.io", "library/a", "b", D, "docker.io/library/a:b@" + D, "a:b@" + D),
                ok("busybox:latest@" + D, "docker.io", "library/busybox", "latest", D,
                        "docker.io/library/busybox:latest@" + D, "busybox:latest@" + D),
                ok("localhost:5000/foo@" + D, "localhost:5000", "foo", null, D,
                        "localhost:5000/foo@" + D, "localhost:5000/foo@" + D),
                ok("example.com:5000/x:1@" + D, "example.com:5000", "x", "1", D,
                        "example.com:5000/x:1@" + D, "example.com:5000/x:1@" + D),
                ok("nginx@" + D512, "docker.io", "library/nginx", null, D512, "docker.io/library/nginx@" + D512, "nginx@" + D512),
                ok("nginx@" + D384, "docker.io", "library/nginx", null, D384, "docker.io/library/nginx@" + D384, "nginx@" + D384),
                // name grammar
                ok("dock__er/docker", "docker.io", "dock__er/docker", null, null,
                        "docker.io/dock__er/docker:latest", "dock__er/docker"),
                ok("docker---rules/docker", "docker.io", "docker---rules/docker", null, null,
                        "docker.io/docker---rules/docker:latest", "docker---rules/docker"),
                ok("a_b-c/x.y--z", "docker.io", "a_b-c/x.y--z", null, null,
                        "docker.io/a_b-c/x.y--z:latest", "a_b-c/x.y--z"),
                ok("d/docker", "docker.io", "d/docker", null, null, "docker.io/d/docker:latest", "d/docker"),
                ok(z64, "docker.io", "library/" + z64, null, null, "docker.io/library/" + z64 + ":latest", z64),
                ok(hex63, "docker.io", "library/" + hex63, null, null, "docker.io/library/" + hex63 + ":latest", hex63),
                ok("docker.io/" + HEX64, "docker.io", "library/" + HEX64, null, null,
                        "docker.io/library/" + HEX64 + ":latest", "library/" + HEX64),
                ok("example.com/" + long255, "example.com", long255, null, null,
                        "example.com/" + long255 + ":latest", "example.com/" + long255),
                ok("docker.io/foo.bar/baz", "docker.io", "foo.bar/baz", null, null,
                        "docker.io/foo.bar/baz:latest", "docker.io/foo.bar/baz"),
                // tag grammar
                ok("nginx:" + tag128, "docker.io", "library/nginx", tag128, null,
                        "docker.io/library/nginx:" + tag128, "nginx:" + tag128),
                ok("nginx:_Tag.v1-RC", "docker.io", "library/nginx", "_Tag.v1-RC", null,
                        "docker.io/library/nginx:_Tag.v1-RC", "nginx:_Tag.v1-RC"),
                // a first component without '/' after it is never a host: these are Docker Hub images
                ok("foo:5000", "docker.io", "library/foo", "5000", null, "docker.io/library/foo:5000", "foo:5000"),
                ok("localhost", "docker.io", "library/localhost", null, null, "docker.io/library/localhost:latest", "localhost"),
                ok("localhost:5000", "docker.io", "library/localhost", "5000", null,
                        "docker.io/library/localhost:5000", "localhost:5000"),
                ok("192.168.0.1", "docker.io", "library/192.168.0.1", null, null,
                        "docker.io/library/192.168.0.1:latest", "192.168.0.1"),
                ok("192.168.0.1:80", "docker.io", "library/192.168.0.1", "80", null,
                        "docker.io/library/192.168.0.1:80", "192.168.0.1:80"),
                // "sha256:<hex>" is not a digest to docker pull: it is image library/sha256 with a 64-hex tag
                ok("sha256:" + HEX64, "docker.io", "library/sha256", HEX64, null,
                        "docker.io/library/sha256:" + HEX64, "sha256:" + HEX64)
        );
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("valid")
    void parsesLikeDocker(String input, String registry, String repository, String tag, String digest,
                          String canonical, String familiar) {
        ImageReference ref = ReferenceParser.dockerHub().parse(input);
        assertAll(
                () -> assertEquals(registry, ref.registry(), "registry"),
                () -> assertEquals(repository, ref.repository(), "repository"),
                () -> assertEquals(tag, ref.tag().orElse(null), "tag"),
                () -> assertEquals(digest, ref.digest().map(Digest::toString).orElse(null), "digest"),
                () -> assertEquals(canonical, ref.canonical(), "canonical"),
                () -> assertEquals(canonical, ref.toString(), "toString"),
                () -> assertEquals(registry + "/" + repository, ref.fullName(), "fullName"),
                () -> assertEquals(familiar, ref.familiar(), "familiar"),
                () -> assertEquals(familiar, ReferenceParser.dockerHub().familiar(ref), "parser familiar"),
                // both printed forms read back as the same image
                () -> assertEquals(ref, ImageReference.parse(ref.familiar()), "familiar round trip"),
                () -> assertEquals(canonical, ImageReference.parse(ref.canonical()).canonical(), "canonical round trip"));
    }

    /** input, message (what docker prints), reason, code. */
    static Arguments bad(String input, String message, String reason, Code code) {
        return Arguments.of(input, message, reason, code);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                // upper case is refused, never lower-cased
                bad("devwiki.com/myProject/myNginx:2.1.0-alpine",
                        "invalid reference format: repository name (myProject/myNginx) must be lowercase", LOWERCASE, Code.NAME_INVALID),
                bad("Nginx", "invalid reference format: repository name (library/Nginx) must be lowercase", LOWERCASE, Code.NAME_INVALID),
                bad("docker/Docker", "invalid reference format: repository name (docker/Docker) must be lowercase", LOWERCASE, Code.NAME_INVALID),
                bad("myProject/myNginx", "invalid reference format: repository name (myNginx) must be lowercase", LOWERCASE, Code.NAME_INVALID),
                bad("example.com/Foo", "invalid reference format: repository name (Foo) must be lowercase", LOWERCASE, Code.NAME_INVALID),
                bad("localhost:5000/Foo:TAG", "invalid reference format: repository name (Foo) must be lowercase", LOWERCASE, Code.NAME_INVALID),
                // tags
                bad("nginx:", FORMAT, "invalid tag format: tag must not be empty", Code.TAG_INVALID),
                bad("nginx:" + "a".repeat(129), FORMAT, "invalid tag format: tag must not be more than 128 characters", Code.TAG_INVALID),
                bad("nginx:-tag", FORMAT, TAG_CHARS, Code.TAG_INVALID),
                bad("nginx:.tag", FORMAT, TAG_CHARS, Code.TAG_INVALID),
                bad("nginx:a:b", FORMAT, TAG_CHARS, Code.TAG_INVALID),
                // digests
                bad("nginx@sha256:abc", FORMAT, "invalid checksum digest length", Code.DIGEST_INVALID),
                bad("nginx@", FORMAT, "invalid checksum digest format", Code.DIGEST_INVALID),
                bad("nginx@sha256", FORMAT, "invalid checksum digest format", Code.DIGEST_INVALID),
                bad("nginx@sha256:" + "g".repeat(64), FORMAT, "invalid checksum digest format", Code.DIGEST_INVALID),
                bad("nginx@" + D + "@" + D, FORMAT, "invalid checksum digest length", Code.DIGEST_INVALID),
                bad("nginx@sha256:" + HEX32, "invalid checksum digest length", "invalid checksum digest length", Code.DIGEST_INVALID),
                bad("nginx@sha256:" + HEX64.toUpperCase(), "invalid checksum digest format", "invalid checksum digest format", Code.DIGEST_INVALID),
                bad("nginx:1@md5:" + HEX32, "unsupported digest algorithm", "unsupported digest algorithm", Code.DIGEST_INVALID),
                // length: at most 255 characters of path, library/ included
                bad("example.com/" + "a".repeat(256), TOO_LONG, TOO_LONG, Code.NAME_INVALID),
                bad("a".repeat(250), TOO_LONG, TOO_LONG, Code.NAME_INVALID),
                bad("a/" + "b".repeat(254) + ":1", TOO_LONG, TOO_LONG, Code.NAME_INVALID),
                // a bare image ID
                bad(HEX64, "invalid repository name (" + HEX64 + "), cannot specify 64-byte hexadecimal strings",
                        "invalid repository name (" + HEX64 + "), cannot specify 64-byte hexadecimal strings", Code.NAME_INVALID),
                // empty names and components
                bad("", FORMAT, EMPTY_NAME, Code.NAME_INVALID),
                bad(":latest", FORMAT, EMPTY_NAME, Code.NAME_INVALID),
                bad("@" + D, FORMAT, EMPTY_NAME, Code.NAME_INVALID),
                bad("localhost:5000/", FORMAT, EMPTY_NAME, Code.NAME_INVALID),
                bad("docker///docker", FORMAT, EMPTY_COMPONENT, Code.NAME_INVALID),
                bad("foo//bar", FORMAT, EMPTY_COMPONENT, Code.NAME_INVALID),
                bad("/foo", FORMAT, EMPTY_COMPONENT, Code.NAME_INVALID),
                bad("foo/", FORMAT, EMPTY_COMPONENT, Code.NAME_INVALID),
                bad("example.com/foo/", FORMAT, EMPTY_COMPONENT, Code.NAME_INVALID),
                // leading, trailing and repeated separators
                bad("-docker", FORMAT, component("-docker"), Code.NAME_INVALID),
                bad("docker-/docker", FORMAT, component("docker-"), Code.NAME_INVALID),
                bad("_docker/_docker", FORMAT, component("_docker"), Code.NAME_INVALID),
                bad("docker/dock..er", FORMAT, component("dock..er"), Code.NAME_INVALID),
                bad("docker/dock_.er", FORMAT, component("dock_.er"), Code.NAME_INVALID),
                // a first component with '.' is read as a host, as in docker
                bad("dock..er/docker", FORMAT, host("dock..er"), Code.NAME_INVALID),
                bad("____/____", FORMAT, component("____"), Code.NAME_INVALID),
                bad("nginx latest", FORMAT, component("nginx latest"), Code.NAME_INVALID),
                bad("[fc00::1]:5000", FORMAT, component("[fc00"), Code.NAME_INVALID),
                // hosts
                bad("-docker.io/docker/docker", FORMAT, host("-docker.io"), Code.NAME_INVALID),
                bad("https://github.com/docker/docker", FORMAT, host("https:"), Code.NAME_INVALID),
                bad("fc00::1:5000/debian", FORMAT, host("fc00::1:5000"), Code.NAME_INVALID),
                bad("example.com:port/foo", FORMAT, host("example.com:port"), Code.NAME_INVALID),
                bad("nginx:1.0/foo", FORMAT, host("nginx:1.0"), Code.NAME_INVALID)
        );
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalid")
    void refusesLikeDocker(String input, String message, String reason, Code code) {
        InvalidReferenceException e = assertThrows(InvalidReferenceException.class,
                () -> ReferenceParser.dockerHub().parse(input));
        assertAll(
                () -> assertEquals(message, e.getMessage(), "message"),
                () -> assertEquals(reason, e.reason(), "reason"),
                () -> assertEquals(code, e.code(), "code"));
    }

    @Test
    void hostThatIsNeitherHostNorPathIsRefused() {
        // Deliberate difference: docker returns "a_b.c/foo" without any registry; Wharf refuses it.
        InvalidReferenceException e = assertThrows(InvalidReferenceException.class, () -> ImageReference.parse("a_b.c/foo"));
        assertEquals(FORMAT, e.getMessage());
        assertEquals(host("a_b.c"), e.reason());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({
            "devwiki.com/myproject/mynginx:2.1.0-alpine, myproject, mynginx",
            "nginx,                                     library,   nginx",
            "devwikirepo/tencounter,                    devwikirepo, tencounter",
            "localhost:5000/foo,                        '',        foo",
            "example.com/a/b/c,                         a,         b/c",
    })
    void projectAndName(String input, String project, String name) {
        ImageReference ref = ImageReference.parse(input);
        assertEquals(project, ref.project());
        assertEquals(name, ref.name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker.io/library/nginx", "docker.io/library/nginx:latest", "docker.io/foo/bar@" + D,
            "example.com/foo:1@" + D, "localhost:5000/foo"})
    void canonicalInputIsAccepted(String input) {
        assertEquals(ImageReference.parse(input), ReferenceParser.dockerHub().parseCanonical(input));
    }

    @ParameterizedTest
    @ValueSource(strings = {"nginx", "nginx:latest", "library/nginx", "docker.io/nginx", "index.docker.io/library/nginx", "foo/bar"})
    void nonCanonicalInputIsRefused(String input) {
        InvalidReferenceException e = assertThrows(InvalidReferenceException.class,
                () -> ReferenceParser.dockerHub().parseCanonical(input));
        assertEquals("repository name must be canonical", e.getMessage());
    }

    @Test
    void equalityIsByComponentsAsWritten() {
        assertEquals(ImageReference.parse("nginx"), ImageReference.parse("docker.io/library/nginx"));
        assertEquals(ImageReference.parse("nginx").hashCode(), ImageReference.parse("index.docker.io/nginx").hashCode());
        assertNotEquals(ImageReference.parse("nginx"), ImageReference.parse("nginx:latest"));
        assertEquals(ImageReference.parse("nginx").canonical(), ImageReference.parse("nginx:latest").canonical());
        assertEquals("latest", ImageReference.parse("nginx").tagOrDefault());
        assertEquals("1.2", ImageReference.parse("nginx:1.2").tagOrDefault());
    }

    @Test
    void withTagDigestAndRegistry() {
        ImageReference nginx = ImageReference.parse("nginx");
        assertEquals("docker.io/library/nginx:1.25", nginx.withTag("1.25").canonical());
        assertEquals("nginx:1.25@" + D, nginx.withTag("1.25").withDigest(D).familiar());
        assertEquals("nginx:2@" + D, nginx.withDigest(Digest.parse(D)).withTag("2").familiar());
        assertEquals("docker.io/library/nginx:latest", nginx.withTag("1").withDigest(D).withoutTagOrDigest().canonical());
        assertEquals("wharf.example.com/library/nginx:1", nginx.withTag("1").withRegistry("wharf.example.com").canonical());

        InvalidReferenceException tag = assertThrows(InvalidReferenceException.class, () -> nginx.withTag(""));
        assertEquals("invalid tag format", tag.getMessage());
        assertEquals("invalid tag format: tag must not be empty", tag.reason());
        InvalidReferenceException digest = assertThrows(InvalidReferenceException.class, () -> nginx.withDigest("foo"));
        assertEquals("invalid digest format", digest.getMessage());
        assertEquals("invalid checksum digest format", digest.reason());
        InvalidReferenceException registry = assertThrows(InvalidReferenceException.class, () -> nginx.withRegistry("bad host"));
        assertEquals(host("bad host"), registry.getMessage());
    }

    @Test
    void ofTakesPartsAsGiven() {
        ImageReference ref = ImageReference.of("wharf.example.com:5000", "team/app").withTag("1.2");
        assertEquals(ImageReference.parse("wharf.example.com:5000/team/app:1.2"), ref);
        assertEquals("localhost:5000/foo:latest", ImageReference.of("localhost:5000", "foo").canonical());
        assertThrows(InvalidReferenceException.class, () -> ImageReference.of("example.com", "Team/app"));
        assertThrows(InvalidReferenceException.class, () -> ImageReference.of("exa mple.com", "team/app"));
    }

    @Test
    void wharfAsDefaultRegistryAppliesLibraryOnItsHosts() {
        ReferenceParser wharf = new ReferenceParser("wharf.example.com", Set.of("wharf.example.com", "localhost:5000"));
        assertEquals("wharf.example.com/library/nginx:latest", wharf.parse("nginx").canonical());
        assertEquals("wharf.example.com/team/app:1", wharf.parse("team/app:1").canonical());
        assertEquals("wharf.example.com/library/app:latest", wharf.parse("wharf.example.com/app").canonical());
        assertEquals("localhost:5000/library/app:latest", wharf.parse("localhost:5000/app").canonical());
        assertEquals("docker.io/library/nginx:latest", wharf.parse("docker.io/nginx").canonical());
        assertEquals("example.com/app:latest", wharf.parse("example.com/app").canonical());
        // the parser's short form reads back through the same parser
        assertEquals("nginx", wharf.familiar(wharf.parse("nginx")));
        assertEquals("team/app:1", wharf.familiar(wharf.parse("wharf.example.com/team/app:1")));
        assertEquals("docker.io/library/nginx", wharf.familiar(ImageReference.parse("nginx")));
        assertEquals(ImageReference.parse("nginx"), wharf.parse("docker.io/library/nginx"));
        assertEquals("wharf.example.com", wharf.defaultRegistry());
    }

    @Test
    void defaultRegistryWithoutLibraryKeepsSingleComponent() {
        ReferenceParser plain = new ReferenceParser("example.com", Set.of());
        ImageReference foo = plain.parse("foo");
        assertEquals("example.com/foo:latest", foo.canonical());
        assertEquals("", foo.project());
        assertEquals("foo", foo.name());
        assertEquals("foo", plain.familiar(foo));
        assertEquals(foo, plain.parse(plain.familiar(foo)));
    }

    @Test
    void parserConfigurationIsValidated() {
        assertThrows(InvalidReferenceException.class, () -> new ReferenceParser("not a host", Set.of()));
        assertThrows(InvalidReferenceException.class, () -> new ReferenceParser("docker.io", Set.of("-bad")));
        assertEquals("docker.io", new ReferenceParser("index.docker.io", Set.of()).defaultRegistry());
    }
}
