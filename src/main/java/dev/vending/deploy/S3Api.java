package dev.vending.deploy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.vending.failure.Failure;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

/** S3 calls, one method each, pagination inside; stateless. */
final class S3Api {
    private final S3Client s3;

    S3Api(S3Client s3) {
        this.s3 = s3;
    }

    void put(String bucket, String key, String body) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(body, StandardCharsets.UTF_8));
    }

    /** Deletes every object version and delete marker, 1000 per request; returns how many. A missing bucket is empty. */
    int empty(String bucket) {
        int count = 0;
        try {
            List<ObjectIdentifier> batch = new ArrayList<>();
            for (var page : s3.listObjectVersionsPaginator(b -> b.bucket(bucket))) {
                page.versions().forEach(v -> batch.add(ObjectIdentifier.builder().key(v.key()).versionId(v.versionId()).build()));
                page.deleteMarkers().forEach(m -> batch.add(ObjectIdentifier.builder().key(m.key()).versionId(m.versionId()).build()));
                while (batch.size() >= 1000) {
                    count += deleteBatch(bucket, new ArrayList<>(batch.subList(0, 1000)));
                    batch.subList(0, 1000).clear();
                }
            }
            if (!batch.isEmpty()) {
                count += deleteBatch(bucket, batch);
            }
        } catch (NoSuchBucketException gone) {
            return count;
        }
        return count;
    }

    private int deleteBatch(String bucket, List<ObjectIdentifier> ids) {
        var r = s3.deleteObjects(b -> b.bucket(bucket).delete(Delete.builder().objects(ids).quiet(true).build()));
        if (r.hasErrors() && !r.errors().isEmpty()) {
            var e = r.errors().get(0);
            throw new Failure(Failure.Kind.AWS, "could not empty bucket " + bucket + ": " + e.code() + " " + e.message() + " (" + e.key() + ")");
        }
        return ids.size();
    }
}
