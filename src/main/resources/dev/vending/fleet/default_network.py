# vending: finds the region's default VPC and its default subnets for a stack whose VpcId and
# SubnetIds parameters were left empty. Inline code of a custom resource, kept short: the template
# carries it (CloudFormation's inline limit is 51,200 bytes).
import json
import urllib.request

import boto3

CHOOSE = "choose a VPC and subnets (parameters VpcId and SubnetIds)"


# The default VPC, and its subnets with DefaultForAz (one per zone, public IPs on launch) by zone.
def find(ec2):
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    if not vpcs:
        raise LookupError(f"region {ec2.meta.region_name} has no default VPC: {CHOOSE}")
    vpc = vpcs[0]["VpcId"]
    only = [{"Name": "vpc-id", "Values": [vpc]}, {"Name": "default-for-az", "Values": ["true"]}]
    subnets = [s for p in ec2.get_paginator("describe_subnets").paginate(Filters=only) for s in p["Subnets"]]
    if not subnets:
        raise LookupError(f"the default VPC {vpc} has no default subnets: {CHOOSE}")
    return vpc, ",".join(s["SubnetId"] for s in sorted(subnets, key=lambda s: s["AvailabilityZone"]))


# What cfnresponse does: PUT the result to the pre-signed URL CloudFormation gave.
def respond(event, status, reason, physical, data={}):
    print(status, reason)
    body = dict(Status=status, Reason=reason[:1000], PhysicalResourceId=physical, Data=data,
                **{k: event[k] for k in ("StackId", "RequestId", "LogicalResourceId")})
    request = urllib.request.Request(event["ResponseURL"], json.dumps(body).encode(), {"Content-Type": ""}, method="PUT")
    urllib.request.urlopen(request, timeout=30).read()


def handler(event, context, ec2=None):
    physical = event.get("PhysicalResourceId") or "no-default-vpc"
    try:
        if event["RequestType"] == "Delete":  # nothing to delete, also after a failed create
            return respond(event, "SUCCESS", "nothing to delete", physical)
        vpc, subnets = find(ec2 or boto3.client("ec2"))
        respond(event, "SUCCESS", f"default VPC {vpc}: {subnets}", vpc, {"VpcId": vpc, "SubnetIds": subnets})
    except Exception as e:  # CloudFormation must hear back, or it waits for an hour
        respond(event, "FAILED", str(e) if isinstance(e, LookupError) else f"finding the default VPC failed: {e!r}", physical)
