# Runs the cache emptier's inline code (index.py next to this file, taken from a generated template)
# against moto's in-process S3, with a loopback HTTP server standing in for CloudFormation's
# pre-signed response URL. Prints one JSON object with what happened, for CacheEmptierTest.
import json

from response_url import URL, responses  # beside this driver: it sets up the credentials and the code's path first

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402


def event(kind, bucket):
    return {"RequestType": kind, "ResponseURL": URL,
            "StackId": "arn:aws:cloudformation:eu-central-1:123456789012:stack/s/1", "RequestId": "r-" + kind,
            "LogicalResourceId": "CacheBucketEmptier", "ResourceType": "Custom::EmptyBucketOnDelete",
            "ResourceProperties": {"ServiceToken": "arn:x", "BucketName": bucket}}


def versions(s3, bucket):
    out = s3.list_object_versions(Bucket=bucket)
    return len(out.get("Versions", [])) + len(out.get("DeleteMarkers", []))


with mock_aws():
    import index  # the code as the template inlines it
    s3 = boto3.client("s3", region_name="eu-central-1")
    result = {}
    b = "fleet-cache"
    s3.create_bucket(Bucket=b, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
    for i in range(1203):  # more than one delete_objects batch of 1000
        s3.put_object(Bucket=b, Key=f"project/{i}/cache.zip", Body=b"x")
    for i in range(3):  # a second version and a delete marker
        s3.put_object(Bucket=b, Key=f"project/{i}/cache.zip", Body=b"y")
        s3.delete_object(Bucket=b, Key=f"project/{i}/cache.zip")
    result["versionsBefore"] = sum(len(p.get("Versions", [])) + len(p.get("DeleteMarkers", []))
                                   for p in s3.get_paginator("list_object_versions").paginate(Bucket=b))
    index.handler(event("Create", b), None)
    result["afterCreate"] = versions(s3, b)
    index.handler(event("Delete", b), None)
    result["afterDelete"] = versions(s3, b)
    s3.delete_bucket(Bucket=b)  # what CloudFormation does next; fails if anything is left
    result["bucketDeleted"] = b not in [x["Name"] for x in s3.list_buckets()["Buckets"]]
    index.handler(event("Delete", b), None)  # the bucket already gone (e.g. a retried delete)

    class Refusing:
        exceptions = s3.exceptions

        def list_object_versions(self, **kwargs):
            raise s3.exceptions.ClientError({"Error": {"Code": "AccessDenied", "Message": "Access Denied"}}, "ListObjectVersions")
    index.handler(event("Delete", "other-bucket"), None, s3=Refusing())
    result["responses"] = responses
print(json.dumps(result))
