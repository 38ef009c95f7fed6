package dev.vending.cfn.resource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.vending.cfn.Props;
import dev.vending.cfn.Resource;

/**
 * AWS::S3::Bucket, always encrypted (SSE-S3 or KMS), with public access blocked and ACLs disabled;
 * optional expiry of old objects.
 */
public final class S3Bucket extends Resource {
    private Integer expireAfterDays;
    private final List<Tag> tags = new ArrayList<>();

    private Object kmsKeyId;

    public S3Bucket(String logicalId) {
        super(logicalId);
    }

    @Override
    public String type() {
        return "AWS::S3::Bucket";
    }

    public S3Bucket expireObjectsAfterDays(int days) { expireAfterDays = days; return this; }
    public S3Bucket tag(Tag v) { tags.add(v); return this; }
    /** SSE-KMS with this key (and an S3 Bucket Key, fewer KMS calls) instead of SSE-S3. */
    public S3Bucket kmsKeyId(Object v) { kmsKeyId = v; return this; }

    @Override
    protected Props properties() {
        Map<String, Object> sse = kmsKeyId == null
                ? Map.of("ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256"))
                : Props.of().put("ServerSideEncryptionByDefault", Props.of().put("SSEAlgorithm", "aws:kms")
                        .put("KMSMasterKeyID", kmsKeyId).toMap()).put("BucketKeyEnabled", true).toMap();
        Props publicAccess = Props.of()
                .put("BlockPublicAcls", true)
                .put("BlockPublicPolicy", true)
                .put("IgnorePublicAcls", true)
                .put("RestrictPublicBuckets", true);
        Props lifecycle = null;
        if (expireAfterDays != null) {
            Props rule = Props.of()
                    .put("Id", "ExpireOldCacheObjects")
                    .put("Status", "Enabled")
                    .put("ExpirationInDays", expireAfterDays)
                    .put("AbortIncompleteMultipartUpload", Map.of("DaysAfterInitiation", 1));
            lifecycle = Props.of().put("Rules", List.of(rule.toMap()));
        }
        return Props.of()
                .put("BucketEncryption", Map.of("ServerSideEncryptionConfiguration", List.of(sse)))
                .put("PublicAccessBlockConfiguration", publicAccess.toMap())
                .put("OwnershipControls", Map.of("Rules", List.of(Map.of("ObjectOwnership", "BucketOwnerEnforced"))))
                .put("LifecycleConfiguration", lifecycle == null ? null : lifecycle.toMap())
                .put("Tags", tags.isEmpty() ? null : Props.all(tags));
    }
}
