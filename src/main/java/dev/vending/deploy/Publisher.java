package dev.vending.deploy;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.vending.failure.BadInput;
import dev.vending.failure.Failure;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * {@code vending publish}: uploads the templates and their page to s3://bucket/prefix/, then
 * checks that every link on the page finds its object; {@code --public} first makes sure Block
 * Public Access lets a bucket policy work, then grants s3:GetObject on that prefix only.
 */
public record Publisher(AwsSettings settings, DeployContext context, DeployView view) {
    public static final String PAGE = "README.md";
    /** Bucket names: 3-63 lowercase letters, digits and hyphens; dots break the bucket's HTTPS certificate. */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9!_.*'()/-]*");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    /** Virtual-hosted S3 URLs: bucket.s3.amazonaws.com, bucket.s3.region.amazonaws.com, bucket.s3-region.amazonaws.com. */
    private static final Pattern S3_VIRTUAL = Pattern.compile("([a-z0-9][a-z0-9.-]*)\\.s3([.-][a-z0-9-]+)?\\.amazonaws\\.com(\\.cn)?");
    private static final Pattern S3_PATH = Pattern.compile("s3([.-][a-z0-9-]+)?\\.amazonaws\\.com(\\.cn)?");

    /** Checks the bucket and prefix as given (before any AWS call); returns the prefix without surrounding slashes. */
    public static String checkInput(String bucket, String prefix, boolean publicRead) {
        if (bucket == null || !BUCKET.matcher(bucket).matches() || bucket.contains("--") && bucket.startsWith("xn--")) {
            throw new BadInput("--bucket", "'" + bucket + "' is not an S3 bucket name vending can link to "
                    + "(3-63 lowercase letters, digits and '-'; no dots, which break the bucket's HTTPS certificate)");
        }
        String p = prefix == null ? "" : prefix.strip();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (!PREFIX.matcher(p).matches() || p.contains("//") || ("/" + p + "/").contains("/../") || ("/" + p + "/").contains("/./")) {
            throw new BadInput("--prefix", "'" + prefix + "' is not a plain key prefix (letters, digits, '/', and !_.*'()-)");
        }
        if (publicRead && p.isEmpty()) {
            throw new BadInput("--public", "needs a --prefix: vending makes a prefix public, never a whole bucket");
        }
        return p;
    }

    /** The prefix's HTTPS URL in the bucket's region (what CloudFormation's templateURL takes). */
    public static String baseUrl(String bucket, String bucketRegion, String prefix) {
        return "https://" + bucket + ".s3." + bucketRegion + ".amazonaws.com" + (prefix.isEmpty() ? "" : "/" + prefix);
    }

    static String key(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    public PublishResult publish(PublishRequest request) {
        String prefix = checkInput(request.bucket(), request.prefix(), request.publicRead());
        try (Clients clients = new Clients(settings, context)) {
            S3Api s3 = new S3Api(clients.s3());
            String bucket = request.bucket();
            String bucketRegion;
            try {
                bucketRegion = s3.region(bucket);
            } catch (NoSuchBucketException e) {
                throw new Failure(Failure.Kind.AWS, "bucket " + bucket + " does not exist (create it first: aws s3 mb s3://" + bucket + ")");
            }
            String base = baseUrl(bucket, bucketRegion, prefix);
            String pageUrl = base + "/" + PAGE;
            if (request.checkOnly()) {
                String page = s3.text(bucket, key(prefix, PAGE));
                if (page == null) {
                    throw new Failure(Failure.Kind.AWS, "no page at s3://" + bucket + "/" + key(prefix, PAGE) + "; publish first");
                }
                return check(s3, bucket, prefix, pageUrl, page, List.of(), null);
            }
            PublicGrant grant = request.publicRead() ? new PublicGrant(bucket, prefix) : null;
            if (grant != null) {
                grant.checkNotBlocked(s3, view, accountBlock(clients));
            }
            List<PublishRequest.PublishedFile> files = request.files().apply(new PublishRequest.Site(base, clients.region));
            List<String> uploaded = new ArrayList<>();
            String page = null;
            for (PublishRequest.PublishedFile f : files) {
                String key = key(prefix, f.name());
                s3.put(bucket, key, f.body(), f.contentType());
                uploaded.add(key);
                view.progress("uploaded s3://" + bucket + "/" + key + " (" + f.contentType() + ")");
                if (PAGE.equals(f.name())) {
                    page = f.body();
                }
            }
            if (page == null) {
                throw new IllegalStateException("the published files have no " + PAGE);
            }
            String sid = null;
            if (grant != null) {
                sid = grant.apply(s3);
                view.progress("bucket policy statement " + sid + ": everyone may read " + grant.resource());
            }
            PublishResult result = check(s3, bucket, prefix, pageUrl, page, uploaded, sid);
            view.progress("page: " + pageUrl + (grant == null ? " (readable by those who may read the bucket; --public shares it)" : ""));
            return result;
        } catch (SdkException e) {
            throw AwsFailures.of((request.checkOnly() ? "check" : "publish to") + " s3://" + request.bucket() + "/" + prefix, e);
        }
    }

    private PublishResult check(S3Api s3, String bucket, String prefix, String pageUrl, String page, List<String> uploaded, String sid) {
        Links links = links(pageUrl, page);
        List<String> missing = new ArrayList<>();
        for (Link l : links.objects()) {
            if (s3.contentType(l.bucket(), l.key()) == null) {
                missing.add(l.link() + " (s3://" + l.bucket() + "/" + l.key() + " does not exist)");
            }
        }
        view.progress("checked " + links.objects().size() + " links to S3 objects on " + pageUrl + ": "
                + (missing.isEmpty() ? "all found" : missing.size() + " missing")
                + (links.others() > 0 ? " (" + links.others() + " links to other sites not checked)" : ""));
        if (!missing.isEmpty()) {
            missing.forEach(m -> view.warn("  missing: " + m));
            throw new Failure(Failure.Kind.AWS, missing.size() + " link" + (missing.size() == 1 ? "" : "s") + " on " + pageUrl
                    + " point at no object, first: " + missing.get(0));
        }
        return new PublishResult(Outcome.SUCCEEDED, bucket, prefix, pageUrl, uploaded, links.objects().size(), links.others(), missing, sid);
    }

    /** One link on the page and the S3 object it needs. */
    record Link(String link, String bucket, String key) {
    }

    record Links(List<Link> objects, int others) {
    }

    /**
     * The page's Markdown links that need an S3 object: links to objects (relative ones resolved
     * against the page) and Quick Create links' templateURL. Other links (docs on the project's
     * Git host) are counted, not checked.
     */
    static Links links(String pageUrl, String page) {
        Set<String> seen = new LinkedHashSet<>();
        Matcher m = LINK.matcher(page);
        while (m.find()) {
            seen.add(m.group(1));
        }
        List<Link> objects = new ArrayList<>();
        int others = 0;
        URI pageUri = URI.create(pageUrl);
        for (String link : seen) {
            String target = link;
            URI uri;
            try {
                uri = pageUri.resolve(link);
            } catch (IllegalArgumentException e) {
                objects.add(new Link(link, "?", link)); // not even a URL: reported missing
                continue;
            }
            String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
            if (host.endsWith(".console.aws.amazon.com") || host.equals("console.aws.amazon.com")) {
                target = templateUrl(uri);
                if (target == null) {
                    objects.add(new Link(link, "?", "(no templateURL)"));
                    continue;
                }
                uri = URI.create(target);
                host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
            }
            Link object = s3Object(link, host, uri.getRawPath());
            if (object != null) {
                objects.add(object);
            } else {
                others++;
            }
        }
        return new Links(objects, others);
    }

    /** The templateURL of a console link (it sits in the fragment: #/stacks/create/review?templateURL=...&...). */
    private static String templateUrl(URI console) {
        String all = console.getRawQuery() + "&" + console.getRawFragment();
        for (String part : all.split("[?&]")) {
            if (part.startsWith("templateURL=")) {
                return URLDecoder.decode(part.substring("templateURL=".length()), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static Link s3Object(String link, String host, String rawPath) {
        String path = rawPath == null ? "" : URLDecoder.decode(rawPath, StandardCharsets.UTF_8);
        Matcher v = S3_VIRTUAL.matcher(host);
        if (v.matches() && !S3_PATH.matcher(host).matches()) {
            return new Link(link, v.group(1), path.startsWith("/") ? path.substring(1) : path);
        }
        if (S3_PATH.matcher(host).matches() && path.length() > 1) {
            String rest = path.substring(1);
            int slash = rest.indexOf('/');
            return slash < 0 ? new Link(link, rest, "") : new Link(link, rest.substring(0, slash), rest.substring(slash + 1));
        }
        return null;
    }

    /** Account-wide Block Public Access through S3 Control (it needs the account id, from STS). */
    private static PublicGrant.AccountBlock accountBlock(Clients clients) {
        String account;
        try {
            account = clients.sts().getCallerIdentity().account();
        } catch (SdkException e) {
            return new PublicGrant.AccountBlock(false, false, "sts GetCallerIdentity: " + AwsFailures.describe(e));
        }
        try {
            var c = clients.s3control().getPublicAccessBlock(b -> b.accountId(account)).publicAccessBlockConfiguration();
            return new PublicGrant.AccountBlock(Boolean.TRUE.equals(c.blockPublicPolicy()), Boolean.TRUE.equals(c.restrictPublicBuckets()), null);
        } catch (software.amazon.awssdk.services.s3control.model.NoSuchPublicAccessBlockConfigurationException none) {
            return new PublicGrant.AccountBlock(false, false, null);
        } catch (SdkException e) {
            return new PublicGrant.AccountBlock(false, false, "s3control GetPublicAccessBlock: " + AwsFailures.describe(e)
                    + (e.getCause() != null ? " " + e.getCause().getMessage() : ""));
        }
    }
}
