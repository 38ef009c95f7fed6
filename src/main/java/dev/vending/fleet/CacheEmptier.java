package dev.vending.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.vending.cfn.Condition;
import dev.vending.cfn.Fn;
import dev.vending.cfn.Template;
import dev.vending.cfn.resource.CustomResource;
import dev.vending.cfn.resource.IamRole;
import dev.vending.cfn.resource.LambdaFunction;
import dev.vending.cfn.resource.LogGroup;
import dev.vending.cfn.resource.PolicyDocument;
import dev.vending.cfn.resource.PolicyDocument.Statement;
import dev.vending.cfn.resource.S3Bucket;

/**
 * Deleting the stack empties the cache bucket first: CloudFormation cannot delete a bucket that holds
 * objects (DELETE_FAILED, orphaned bucket), and console users have no {@code vending destroy} to empty it.
 * A custom resource that references the bucket is deleted before it; its Lambda function (inline
 * Python, {@code empty_bucket.py}) deletes every object version and delete marker, then answers
 * CloudFormation. Its role may list and delete in that bucket only, and write to the fleet's log group.
 */
final class CacheEmptier {
    static final String RUNTIME = "python3.13";
    static final String FUNCTION = "CacheEmptierFunction";
    static final String RESOURCE = "CacheBucketEmptier";

    private CacheEmptier() {
    }

    /** @param onlyIf the cache's condition, or null when the bucket always exists */
    static void add(Template t, S3Bucket cache, Condition onlyIf, LogGroup logs) {
        // no descriptions or tags on these three: the template's size is close to the inline limit
        IamRole role = new IamRole("CacheEmptierRole")
                .assumeRolePolicy(PolicyDocument.of(new Statement(null, "Allow", Map.of("Service", "lambda.amazonaws.com"),
                        List.of("sts:AssumeRole"), null, null)));
        role.policy("empty-cache-bucket", PolicyDocument.of(
                Statement.allow("ListCache", List.of("s3:ListBucket", "s3:ListBucketVersions"), List.of(Fn.getAtt(cache, "Arn"))),
                Statement.allow("DeleteCacheObjects", List.of("s3:DeleteObject", "s3:DeleteObjectVersion"),
                        List.of(Fn.sub("${" + cache.logicalId() + ".Arn}/*"))),
                Statement.allow("Logs", List.of("logs:CreateLogStream", "logs:PutLogEvents"), List.of(Fn.getAtt(logs, "Arn")))));
        t.add(role).onlyIf(onlyIf);

        LambdaFunction function = new LambdaFunction(FUNCTION)
                .runtime(RUNTIME).handler("index.handler").architecture("arm64").memoryMiB(128)
                .timeoutSeconds(900).role(Fn.getAtt(role, "Arn")).logGroup(Fn.ref(logs))
                .zipFile(compact(code("empty_bucket.py")));
        t.add(function).onlyIf(onlyIf);

        t.add(new CustomResource(RESOURCE, "EmptyBucketOnDelete", Fn.getAtt(function, "Arn"))
                .property("BucketName", Fn.ref(cache))).onlyIf(onlyIf);
    }

    /** The Python source of a custom resource's function, a resource beside this class. */
    static String code(String file) {
        try (InputStream in = CacheEmptier.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Without comment lines, blank lines and one-line docstrings, and with one space per indentation
     * level instead of four: inline code is limited to 4096 characters, and templates to 51,200 bytes.
     */
    static String compact(String python) {
        StringBuilder out = new StringBuilder(python.length());
        for (String line : python.split("\n")) {
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#") || s.startsWith("\"\"\"") && s.endsWith("\"\"\"") && s.length() > 5) {
                continue;
            }
            int indent = line.length() - line.stripLeading().length();
            out.append(" ".repeat(indent % 4 == 0 ? indent / 4 : indent)).append(s).append('\n');
        }
        return out.toString();
    }
}
