package dev.vending.deploy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Subnet;

/** EC2 calls, one method each, pagination inside; stateless. */
final class Ec2Api {
    private final Ec2Client ec2;

    Ec2Api(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    /** The region's default VPC, if it has one. */
    Optional<String> defaultVpc() {
        return ec2.describeVpcsPaginator(b -> b.filters(Filter.builder().name("isDefault").values("true").build())).vpcs().stream()
                .findFirst().map(v -> v.vpcId());
    }

    /** Every subnet of the VPC, ordered by availability zone. */
    List<String> subnetsOf(String vpcId) {
        return subnets(Filter.builder().name("vpc-id").values(vpcId).build());
    }

    /** The VPC's default subnets (DefaultForAz: a default VPC's public one per zone), ordered by availability zone. */
    List<String> defaultSubnetsOf(String vpcId) {
        return subnets(Filter.builder().name("vpc-id").values(vpcId).build(), Filter.builder().name("default-for-az").values("true").build());
    }

    private List<String> subnets(Filter... filters) {
        List<Subnet> subnets = new ArrayList<>(ec2.describeSubnetsPaginator(b -> b.filters(filters)).subnets().stream().toList());
        subnets.sort(Comparator.comparing(Subnet::availabilityZone, Comparator.nullsLast(Comparator.naturalOrder())));
        return subnets.stream().map(Subnet::subnetId).toList();
    }

    /** The instances by id (DescribeInstances pages). */
    Map<String, Instance> instances(Collection<String> ids) {
        Map<String, Instance> byId = new LinkedHashMap<>();
        if (!ids.isEmpty()) {
            ec2.describeInstancesPaginator(b -> b.instanceIds(ids)).reservations()
                    .forEach(r -> r.instances().forEach(i -> byId.put(i.instanceId(), i)));
        }
        return byId;
    }
}
