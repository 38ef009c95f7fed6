package dev.vending.deploy;

import java.util.List;

/**
 * The end of a publish or a check.
 *
 * @param pageUrl       the page's HTTPS URL
 * @param uploaded      keys written (empty for --check)
 * @param linksChecked  links on the page that point into S3, each found by HeadObject
 * @param otherLinks    links to other hosts (docs), not objects, so not checked
 * @param missing       links whose object does not exist, each with what is missing
 * @param policySid     the bucket policy statement --public put in place, else null
 */
public record PublishResult(Outcome result, String bucket, String prefix, String pageUrl, List<String> uploaded, int linksChecked,
        int otherLinks, List<String> missing, String policySid) {
}
