package dev.vending.deploy;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.vending.failure.Failure;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;

/**
 * publish --public: one bucket policy statement letting everyone s3:GetObject under the prefix,
 * added beside the bucket's other statements (a statement of ours from an earlier run is replaced).
 */
record PublicGrant(String bucket, String prefix) {
    private static final ObjectMapper JSON = new ObjectMapper();

    String resource() {
        return "arn:aws:s3:::" + bucket + "/" + prefix + "/*";
    }

    /** Statement ids take letters and digits only. */
    String sid() {
        return "VendingPublicRead" + prefix.replaceAll("[^A-Za-z0-9]", "");
    }

    /**
     * Fails, naming each setting, when Block Public Access would refuse the policy
     * (BlockPublicPolicy) or make it void (RestrictPublicBuckets), on the bucket or the account.
     * The other two settings concern ACLs, which publish does not use.
     */
    void checkNotBlocked(S3Api s3, DeployView view, AccountBlock account) {
        List<String> blocking = new ArrayList<>();
        PublicAccessBlockConfiguration b = s3.publicAccessBlock(bucket);
        if (b != null && Boolean.TRUE.equals(b.blockPublicPolicy())) {
            blocking.add("bucket BlockPublicPolicy");
        }
        if (b != null && Boolean.TRUE.equals(b.restrictPublicBuckets())) {
            blocking.add("bucket RestrictPublicBuckets");
        }
        if (account.unreadable() != null) {
            view.warn("warning: could not read the account's Block Public Access settings (" + account.unreadable()
                    + "); if they block public policies, the page stays private");
        } else {
            if (account.blockPublicPolicy()) {
                blocking.add("account BlockPublicPolicy");
            }
            if (account.restrictPublicBuckets()) {
                blocking.add("account RestrictPublicBuckets");
            }
        }
        view.progress("Block Public Access standing in the way of a public prefix: " + (blocking.isEmpty() ? "none" : String.join(", ", blocking)));
        if (!blocking.isEmpty()) {
            throw new Failure(Failure.Kind.AWS, "--public: Block Public Access (" + String.join(", ", blocking) + ") stops a public bucket policy on "
                    + bucket + "; nothing was uploaded. Turn those settings off (aws s3api put-public-access-block --bucket " + bucket
                    + ", or the account's in S3 Control) if this bucket may serve public files, or publish without --public");
        }
    }

    /** Account-wide settings that matter here, or why they could not be read. */
    record AccountBlock(boolean blockPublicPolicy, boolean restrictPublicBuckets, String unreadable) {
    }

    /** Adds (or replaces) our statement; returns its Sid. */
    String apply(S3Api s3) {
        String existing = s3.policy(bucket);
        s3.putPolicy(bucket, merged(existing));
        return sid();
    }

    String merged(String existing) {
        try {
            ObjectNode policy = existing == null || existing.isBlank() ? JSON.createObjectNode() : (ObjectNode) JSON.readTree(existing);
            if (!policy.has("Version")) {
                policy.put("Version", "2012-10-17");
            }
            ArrayNode statements = JSON.createArrayNode();
            JsonNode old = policy.get("Statement");
            if (old != null && old.isArray()) {
                old.forEach(statements::add);
            } else if (old != null && old.isObject()) {
                statements.add(old);
            }
            for (int i = statements.size() - 1; i >= 0; i--) {
                if (sid().equals(statements.get(i).path("Sid").asText())) {
                    statements.remove(i);
                }
            }
            ObjectNode ours = statements.addObject();
            ours.put("Sid", sid());
            ours.put("Effect", "Allow");
            ours.put("Principal", "*");
            ours.put("Action", "s3:GetObject");
            ours.put("Resource", resource());
            policy.set("Statement", statements);
            return JSON.writeValueAsString(policy);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new Failure(Failure.Kind.AWS, "bucket " + bucket + " has a policy vending cannot read as JSON; add this statement yourself: "
                    + "Allow * s3:GetObject on " + resource());
        }
    }
}
