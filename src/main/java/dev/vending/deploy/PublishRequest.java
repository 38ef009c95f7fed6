package dev.vending.deploy;

import java.util.List;
import java.util.function.Function;

/**
 * What {@code vending publish} is asked to do. {@code files} renders the objects for the site
 * they will live at (its links need the bucket's regional URL, known only once S3 has answered);
 * the page, named {@link Publisher#PAGE}, among them.
 *
 * @param prefix     key prefix without leading or trailing slash; empty for the bucket's root
 * @param publicRead also grant everyone s3:GetObject on the prefix
 * @param checkOnly  upload nothing: check the links of the page already there
 */
public record PublishRequest(String bucket, String prefix, boolean publicRead, boolean checkOnly, Function<Site, List<PublishedFile>> files) {

    /** Where the objects are read from: the prefix's HTTPS URL, and the region of the console links. */
    public record Site(String baseUrl, String consoleRegion) {
    }

    /** One object: its name under the prefix, body and Content-Type. */
    public record PublishedFile(String name, String body, String contentType) {
    }
}
