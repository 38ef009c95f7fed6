package dev.vending.deploy;

import java.util.List;

import dev.vending.failure.Failure;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudformation.model.StackInstanceSummary;
import software.amazon.awssdk.services.cloudformation.model.StackSet;

/** `vending status --stack-set`: the stack set's state and each stack instance (account, region, status, reason). */
public record StackSetStatus(AwsSettings settings, DeployContext context) {

    public StackSetReport status(String name) {
        try (Clients clients = new Clients(settings, context)) {
            StackSetApi api = new StackSetApi(clients.cfn());
            StackSet set = api.describe(name)
                    .orElseThrow(() -> new Failure(Failure.Kind.AWS, "stack set " + name + " does not exist in " + clients.region
                            + " (a stack set lives in the region deploy --regions ran in: give that --region)"));
            return new StackSetReport(null, name, clients.region, set.statusAsString(), set.permissionModelAsString(), List.of(),
                    instances(api.instances(name)), null, null);
        } catch (SdkException e) {
            throw AwsFailures.of("status stack set " + name, e);
        }
    }

    static List<StackSetReport.Instance> instances(List<StackInstanceSummary> summaries) {
        return summaries.stream().map(i -> new StackSetReport.Instance(i.account(), i.region(), i.statusAsString(),
                i.stackInstanceStatus() == null ? null : i.stackInstanceStatus().detailedStatusAsString(), i.statusReason(), i.stackId()))
                .toList();
    }
}
