package io.wharf.registry;

import static io.wharf.registry.Oci.OCI_MANIFEST;
import static io.wharf.registry.Oci.assertError;
import static io.wharf.registry.Oci.given;
import static io.wharf.registry.Oci.pushBlob;
import static io.wharf.registry.Oci.pushImage;
import static io.wharf.registry.Oci.pushManifest;
import static io.wharf.registry.Oci.randomBytes;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.wharf.registry.Oci.Image;

/** Tags list and catalog, with {@code n}/{@code last} pagination and {@code Link}. */
@QuarkusTest
class TagsAndCatalogTest {

    private static final Pattern NEXT = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");

    /** The target of a {@code Link: <...>; rel="next"} header. */
    private static String next(Response response) {
        String link = response.header("Link");
        assertNotNull(link, "no Link header");
        Matcher m = NEXT.matcher(link);
        assertTrue(m.matches(), "not a next link: " + link);
        return m.group(1);
    }

    /** A repository with tags {@code a b c d e}, pushed out of order. */
    private static String repoWithFiveTags() {
        String repo = Oci.repo("tags");
        Image image = pushImage(repo, "c");
        for (String tag : new String[] {"e", "a", "d", "b"}) {
            pushManifest(repo, tag, OCI_MANIFEST, image.manifest());
        }
        return repo;
    }

    @Test
    void listsTagsInLexicalOrder() {
        String repo = repoWithFiveTags();
        given().get("/v2/" + repo + "/tags/list").then().statusCode(200)
                .contentType("application/json")
                .header("Link", nullValue())
                .body("name", equalTo(repo))
                .body("tags", contains("a", "b", "c", "d", "e"));
    }

    @Test
    void ordersTagsByCodePointNotByLocale() {
        String repo = Oci.repo("tag-order");
        Image image = pushImage(repo, "b");
        for (String tag : new String[] {"B", "a", "A", "_x", "1"}) {
            pushManifest(repo, tag, OCI_MANIFEST, image.manifest());
        }
        given().get("/v2/" + repo + "/tags/list").then().statusCode(200).body("tags", contains("1", "A", "B", "_x", "a", "b"));
    }

    /**
     * A repository with more tags than a whole list is kept in memory for: pages come from the database, and a
     * tag pushed between two listings is in the next one.
     */
    @Test
    void pagesTheTagsOfARepositoryTooLargeToKeepInMemory() {
        String repo = Oci.repo("many-tags");
        Image image = pushImage(repo, "latest");
        TestDatabase.execute("INSERT INTO tag (repository_id, name, manifest_id, updated_at) SELECT t.repository_id, 'v' || lpad(i::text, 5, '0'), "
                + "t.manifest_id, now() FROM tag t JOIN repository r ON r.id = t.repository_id, generate_series(1, 10001) i "
                + "WHERE r.name = '" + repo + "' AND t.name = 'latest'");
        for (int pass = 0; pass < 2; pass++) {
            given().queryParam("n", 3).get("/v2/" + repo + "/tags/list").then().statusCode(200).body("tags", contains("latest", "v00001", "v00002"));
            given().queryParam("n", 2).queryParam("last", "v10000").get("/v2/" + repo + "/tags/list").then().statusCode(200)
                    .body("tags", contains("v10001"));
        }
        pushManifest(repo, "v10000a", OCI_MANIFEST, image.manifest());
        given().queryParam("n", 2).queryParam("last", "v10000").get("/v2/" + repo + "/tags/list").then().statusCode(200)
                .body("tags", contains("v10000a", "v10001"));
    }

    @Test
    void paginatesTagsWithNLastAndLink() {
        String repo = repoWithFiveTags();
        Response first = given().queryParam("n", 2).get("/v2/" + repo + "/tags/list");
        first.then().statusCode(200).body("tags", contains("a", "b"));
        String link = next(first);
        assertEquals("/v2/" + repo + "/tags/list?n=2&last=b", link);

        Response second = given().get(link);
        second.then().statusCode(200).body("tags", contains("c", "d"));
        Response third = given().get(next(second));
        third.then().statusCode(200).body("tags", contains("e")).header("Link", nullValue());
    }

    @Test
    void startsAfterLastWithoutN() {
        String repo = repoWithFiveTags();
        given().queryParam("last", "c").get("/v2/" + repo + "/tags/list").then().statusCode(200)
                .body("tags", contains("d", "e")).header("Link", nullValue());
        // last need not be an existing tag.
        given().queryParam("last", "bb").queryParam("n", 1).get("/v2/" + repo + "/tags/list").then().statusCode(200)
                .body("tags", contains("c"));
        given().queryParam("last", "z").get("/v2/" + repo + "/tags/list").then().statusCode(200).body("tags", empty());
    }

    @Test
    void omitsTheLinkWhenThePageEndsExactlyAtTheLastTag() {
        String repo = repoWithFiveTags();
        given().queryParam("n", 5).get("/v2/" + repo + "/tags/list").then().statusCode(200)
                .body("tags", contains("a", "b", "c", "d", "e")).header("Link", nullValue());
    }

    @Test
    void answersNZeroWithAnEmptyList() {
        String repo = repoWithFiveTags();
        given().queryParam("n", 0).get("/v2/" + repo + "/tags/list").then().statusCode(200)
                .body("name", equalTo(repo)).body("tags", empty()).header("Link", nullValue());
    }

    @Test
    void rejectsAnInvalidN() {
        String repo = repoWithFiveTags();
        assertError(given().queryParam("n", -1).get("/v2/" + repo + "/tags/list"), 400, "PAGINATION_NUMBER_INVALID");
        assertError(given().queryParam("n", "many").get("/v2/" + repo + "/tags/list"), 400, "PAGINATION_NUMBER_INVALID");
        assertError(given().queryParam("n", -1).get("/v2/_catalog"), 400, "PAGINATION_NUMBER_INVALID");
    }

    @Test
    void answersTagsOfAnUnknownRepositoryWithNameUnknown() {
        assertError(given().get("/v2/" + Oci.repo("nothing") + "/tags/list"), 404, "NAME_UNKNOWN");
    }

    @Test
    void listsTagChangesAtOnce() {
        String repo = Oci.repo("fresh");
        Image image = pushImage(repo, "a");
        given().get("/v2/" + repo + "/tags/list").then().statusCode(200).body("tags", contains("a"));
        pushManifest(repo, "b", OCI_MANIFEST, image.manifest());
        given().get("/v2/" + repo + "/tags/list").then().statusCode(200).body("tags", contains("a", "b"));
        given().queryParam("n", 1).get("/v2/" + repo + "/tags/list").then().statusCode(200).body("tags", contains("a"));
        given().delete("/v2/" + repo + "/manifests/a").then().statusCode(202);
        given().get("/v2/" + repo + "/tags/list").then().statusCode(200).body("tags", contains("b"));
        given().delete("/v2/" + repo + "/manifests/" + image.digest()).then().statusCode(202);
        given().get("/v2/" + repo + "/tags/list").then().statusCode(200).body("tags", empty());
    }

    @Test
    void listsNoTagsForARepositoryWithOnlyBlobs() {
        String repo = Oci.repo("blobs-only");
        pushBlob(repo, randomBytes(5));
        given().get("/v2/" + repo + "/tags/list").then().statusCode(200).body("tags", empty());
    }

    @Test
    void treatsAOneComponentNameAsALibraryRepository() {
        String name = "nginx" + Oci.suffix();
        Image image = pushImage(name, "1.25");
        pushManifest("library/" + name, "latest", OCI_MANIFEST, image.manifest());
        given().get("/v2/" + name + "/tags/list").then().statusCode(200)
                .body("name", equalTo(name)).body("tags", contains("1.25", "latest"));
        given().get("/v2/library/" + name + "/tags/list").then().statusCode(200)
                .body("name", equalTo("library/" + name)).body("tags", contains("1.25", "latest"));
        given().get("/v2/library/" + name + "/manifests/1.25").then().statusCode(200)
                .header("Docker-Content-Digest", image.digest());
        given().get("/v2/" + name + "/blobs/" + image.layer().digest()).then().statusCode(200);
        // A change through one spelling shows through the other.
        given().delete("/v2/library/" + name + "/manifests/latest").then().statusCode(202);
        given().get("/v2/" + name + "/manifests/latest").then().statusCode(404);
        given().get("/v2/" + name + "/tags/list").then().statusCode(200).body("tags", contains("1.25"));
        given().queryParam("last", "library/" + name.substring(0, name.length() - 1)).queryParam("n", 1000)
                .get("/v2/_catalog").then().statusCode(200).body("repositories", hasItem("library/" + name));
    }

    // ---------------------------------------------------------------- catalog

    @Test
    void paginatesTheCatalog() {
        String prefix = "catalog-" + Oci.suffix();
        for (String name : new String[] {"c", "a", "b"}) {
            pushBlob(prefix + "/" + name, randomBytes(4));
        }
        // Everything under the unique prefix sorts right after "<prefix>/" (exclusive).
        String start = prefix + "/";
        Response first = given().queryParam("n", 2).queryParam("last", start).get("/v2/_catalog");
        first.then().statusCode(200).contentType("application/json")
                .body("repositories", contains(prefix + "/a", prefix + "/b"));
        String link = next(first);
        assertTrue(link.startsWith("/v2/_catalog?"), link);
        assertEquals(prefix + "/b", URLDecoder.decode(link.substring(link.indexOf("last=") + 5), StandardCharsets.UTF_8));
        assertTrue(link.contains("n=2"), link);

        Response second = given().get(link);
        second.then().statusCode(200);
        assertEquals(prefix + "/c", second.jsonPath().getList("repositories", String.class).get(0));
    }

    @Test
    void answersCatalogNZeroWithAnEmptyList() {
        pushBlob(Oci.repo("catalog"), randomBytes(4));
        given().queryParam("n", 0).get("/v2/_catalog").then().statusCode(200)
                .body("repositories", empty()).header("Link", nullValue());
    }

    @Test
    void listsARepositoryInTheCatalogOnceItHasContent() {
        String repo = Oci.repo("catalog");
        String before = repo.substring(0, repo.length() - 1);
        given().queryParam("last", before).queryParam("n", 1).get("/v2/_catalog").then().statusCode(200)
                .body("repositories", not(hasItem(repo)));
        pushBlob(repo, randomBytes(4));
        given().queryParam("last", before).queryParam("n", 1).get("/v2/_catalog").then().statusCode(200)
                .body("repositories", contains(repo));
    }
}
