package dev.vending.cfn.resource;

import dev.vending.cfn.Props;
import dev.vending.cfn.Resource;

/**
 * AWS::EC2::SecurityGroupIngress from another security group only (no CIDR form on purpose): the one
 * inbound rule vending creates is SSH from a docker-autoscaler manager to its workers.
 */
public final class SecurityGroupIngress extends Resource {
    private Object groupId;
    private Object sourceSecurityGroupId;
    private String ipProtocol;
    private Integer fromPort;
    private Integer toPort;
    private String description;

    public SecurityGroupIngress(String logicalId) {
        super(logicalId);
    }

    @Override
    public String type() {
        return "AWS::EC2::SecurityGroupIngress";
    }

    public SecurityGroupIngress groupId(Object v) { groupId = v; return this; }
    public SecurityGroupIngress sourceSecurityGroupId(Object v) { sourceSecurityGroupId = v; return this; }
    public SecurityGroupIngress tcpPort(int port) { ipProtocol = "tcp"; fromPort = port; toPort = port; return this; }
    public SecurityGroupIngress description(String v) { description = v; return this; }

    @Override
    protected Props properties() {
        return Props.of()
                .put("Description", description)
                .put("GroupId", groupId)
                .put("IpProtocol", ipProtocol)
                .put("FromPort", fromPort)
                .put("ToPort", toPort)
                .put("SourceSecurityGroupId", sourceSecurityGroupId);
    }
}
