package dev.vending.cfn.resource;

import dev.vending.cfn.Props;
import dev.vending.cfn.Resource;

/** AWS::S3::BucketPolicy. */
public final class S3BucketPolicy extends Resource {
    private Object bucket;
    private PolicyDocument policy;

    public S3BucketPolicy(String logicalId) {
        super(logicalId);
    }

    @Override
    public String type() {
        return "AWS::S3::BucketPolicy";
    }

    public S3BucketPolicy bucket(Object v) { bucket = v; return this; }
    public S3BucketPolicy policy(PolicyDocument v) { policy = v; return this; }

    @Override
    protected Props properties() {
        return Props.of().put("Bucket", bucket).put("PolicyDocument", policy == null ? null : policy.toCfn());
    }
}
