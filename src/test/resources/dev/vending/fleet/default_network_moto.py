# Runs the default-network finder's inline code (index.py next to this file, taken from a generated
# template) against moto's in-process EC2, with a loopback HTTP server standing in for CloudFormation's
# pre-signed response URL. Prints one JSON object with what happened, for DefaultNetworkTest.
import json

from response_url import URL, responses  # beside this driver: it sets up the credentials and the code's path first

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402


def event(kind, physical=None):
    e = {"RequestType": kind, "ResponseURL": URL,
         "StackId": "arn:aws:cloudformation:eu-central-1:123456789012:stack/s/1", "RequestId": "r-" + kind,
         "LogicalResourceId": "DefaultNetwork", "ResourceType": "Custom::DefaultNetwork",
         "ResourceProperties": {"ServiceToken": "arn:x"}}
    if physical:
        e["PhysicalResourceId"] = physical
    return e


with mock_aws():
    import index  # the code as the template inlines it
    ec2 = boto3.client("ec2", region_name="eu-central-1")
    result = {}
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    default_subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    result["defaultVpc"] = vpc
    result["defaultSubnets"] = [s["SubnetId"] for s in sorted(default_subnets, key=lambda s: s["AvailabilityZone"])]
    result["defaultSubnetZones"] = sorted(s["AvailabilityZone"] for s in default_subnets)
    # not default subnets: a private subnet someone added to the default VPC, and another VPC with its subnet
    private = ec2.create_subnet(VpcId=vpc, CidrBlock="172.31.200.0/24", AvailabilityZone="eu-central-1a")["Subnet"]
    result["privateSubnet"] = private["SubnetId"]
    other = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    result["otherSubnet"] = ec2.create_subnet(VpcId=other, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]

    index.handler(event("Create"), None)
    index.handler(event("Update", vpc), None)
    index.handler(event("Delete", vpc), None)

    # a default VPC whose default subnets were deleted
    for s in default_subnets:
        ec2.delete_subnet(SubnetId=s["SubnetId"])
    index.handler(event("Create"), None)

    # no default VPC at all (deleted, as many organisations do)
    ec2.delete_subnet(SubnetId=private["SubnetId"])
    for gw in ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc]}])["InternetGateways"]:
        ec2.detach_internet_gateway(InternetGatewayId=gw["InternetGatewayId"], VpcId=vpc)
        ec2.delete_internet_gateway(InternetGatewayId=gw["InternetGatewayId"])
    ec2.delete_vpc(VpcId=vpc)
    result["defaultVpcsLeft"] = len(ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"])
    index.handler(event("Create"), None)
    index.handler(event("Delete"), None)  # the rollback after that failed create

    class Refusing:
        meta = ec2.meta

        def describe_vpcs(self, **kwargs):
            raise ec2.exceptions.ClientError({"Error": {"Code": "UnauthorizedOperation", "Message": "not authorized"}},
                                             "DescribeVpcs")
    index.handler(event("Create"), None, ec2=Refusing())
    result["responses"] = responses
print(json.dumps(result))
