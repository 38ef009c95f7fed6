package dev.vending.cfn.resource;

import java.util.ArrayList;
import java.util.List;

import dev.vending.cfn.CfnProperty;
import dev.vending.cfn.Props;
import dev.vending.cfn.Resource;

/** AWS::EC2::SecurityGroup. Only egress rules are modelled: runners accept no inbound traffic. */
public final class SecurityGroup extends Resource {
    private String groupDescription;
    private Object vpcId;
    private final List<Egress> egress = new ArrayList<>();
    private final List<Tag> tags = new ArrayList<>();

    public SecurityGroup(String logicalId) {
        super(logicalId);
    }

    @Override
    public String type() {
        return "AWS::EC2::SecurityGroup";
    }

    public SecurityGroup groupDescription(String v) { groupDescription = v; return this; }
    public SecurityGroup vpcId(Object v) { vpcId = v; return this; }
    public SecurityGroup egress(Egress v) { egress.add(v); return this; }
    public SecurityGroup tag(Tag v) { tags.add(v); return this; }

    @Override
    protected Props properties() {
        return Props.of()
                .put("GroupDescription", groupDescription)
                .put("VpcId", vpcId)
                .put("SecurityGroupEgress", egress.isEmpty() ? null : Props.all(egress))
                .put("Tags", tags.isEmpty() ? null : Props.all(tags));
    }

    /** One egress rule; {@code cidrIpv6} set instead of {@code cidrIp} for IPv6. */
    public record Egress(String description, String ipProtocol, Integer fromPort, Integer toPort, String cidrIp,
            String cidrIpv6) implements CfnProperty {
        @Override
        public Object toCfn() {
            return Props.of()
                    .put("Description", description)
                    .put("IpProtocol", ipProtocol)
                    .put("FromPort", fromPort)
                    .put("ToPort", toPort)
                    .put("CidrIp", cidrIp)
                    .put("CidrIpv6", cidrIpv6)
                    .toMap();
        }
    }
}
