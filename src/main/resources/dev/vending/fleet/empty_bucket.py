# vending: empties the fleet's cache bucket when the stack is deleted, so that CloudFormation can
# delete the bucket (a bucket with objects makes DELETE fail). Inline code of a custom resource,
# kept short: the template carries it (CloudFormation's inline limit is 51,200 bytes).
import json
import urllib.request

import boto3


def empty(s3, bucket):
    n = 0
    while True:  # always the first page again: no marker can skip what deleting moved
        page = s3.list_object_versions(Bucket=bucket, MaxKeys=1000)
        keys = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        if not keys:
            return n
        for i in range(0, len(keys), 1000):
            errors = s3.delete_objects(Bucket=bucket, Delete={"Objects": keys[i:i + 1000], "Quiet": True}).get("Errors")
            if errors:
                raise RuntimeError(f"cannot delete {errors[0]['Key']}: {errors[0]['Code']}")
            n += len(keys[i:i + 1000])


# What cfnresponse does: PUT the result to the pre-signed URL CloudFormation gave.
def respond(event, status, reason):
    body = json.dumps({"Status": status, "Reason": reason[:1000], "StackId": event["StackId"],
                       "PhysicalResourceId": event.get("PhysicalResourceId") or event["ResourceProperties"]["BucketName"],
                       "RequestId": event["RequestId"], "LogicalResourceId": event["LogicalResourceId"]}).encode()
    urllib.request.urlopen(urllib.request.Request(event["ResponseURL"], data=body, method="PUT",
                                                  headers={"Content-Type": ""}), timeout=30).read()


def handler(event, context, s3=None):
    bucket = event["ResourceProperties"]["BucketName"]
    try:
        reason = "nothing to do"
        if event["RequestType"] == "Delete":
            s3 = s3 or boto3.client("s3")
            try:
                reason = f"deleted {empty(s3, bucket)} object versions from {bucket}"
            except s3.exceptions.NoSuchBucket:
                reason = f"{bucket} is already gone"
        print(reason)
        respond(event, "SUCCESS", reason)
    except Exception as e:  # CloudFormation must hear back, or it waits for an hour
        print(f"FAILED: {e!r}")
        respond(event, "FAILED", f"emptying {bucket} failed: {e}")
