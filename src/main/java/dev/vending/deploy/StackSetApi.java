package dev.vending.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CreateStackInstancesRequest;
import software.amazon.awssdk.services.cloudformation.model.CreateStackSetRequest;
import software.amazon.awssdk.services.cloudformation.model.DeleteStackInstancesRequest;
import software.amazon.awssdk.services.cloudformation.model.StackInstanceSummary;
import software.amazon.awssdk.services.cloudformation.model.StackSet;
import software.amazon.awssdk.services.cloudformation.model.StackSetNotFoundException;
import software.amazon.awssdk.services.cloudformation.model.StackSetOperation;
import software.amazon.awssdk.services.cloudformation.model.StackSetOperationPreferences;
import software.amazon.awssdk.services.cloudformation.model.StackSetOperationResultSummary;
import software.amazon.awssdk.services.cloudformation.model.StackSetOperationStatus;
import software.amazon.awssdk.services.cloudformation.model.UpdateStackInstancesRequest;
import software.amazon.awssdk.services.cloudformation.model.UpdateStackSetRequest;

/** CloudFormation's stack set calls, one method each, pagination inside; stateless like {@link CloudFormationApi}. */
final class StackSetApi {
    private final CloudFormationClient cfn;

    StackSetApi(CloudFormationClient cfn) {
        this.cfn = cfn;
    }

    /** DescribeStackSet; empty when there is none (or only a deleted one of that name). */
    Optional<StackSet> describe(String name) {
        try {
            StackSet s = cfn.describeStackSet(b -> b.stackSetName(name)).stackSet();
            return s == null || "DELETED".equals(s.statusAsString()) ? Optional.empty() : Optional.of(s);
        } catch (StackSetNotFoundException e) {
            return Optional.empty();
        }
    }

    String create(CreateStackSetRequest request) {
        return cfn.createStackSet(request).stackSetId();
    }

    /** UpdateStackSet: the new template and parameters reach every existing instance; returns the operation id. */
    String update(UpdateStackSetRequest request) {
        return cfn.updateStackSet(request).operationId();
    }

    String createInstances(CreateStackInstancesRequest request) {
        return cfn.createStackInstances(request).operationId();
    }

    /** UpdateStackInstances: new parameter overrides for existing instances; returns the operation id. */
    String updateInstances(UpdateStackInstancesRequest request) {
        return cfn.updateStackInstances(request).operationId();
    }

    /** The parameter values one instance overrides. */
    Map<String, String> overrides(String name, String account, String region) {
        Map<String, String> out = new LinkedHashMap<>();
        cfn.describeStackInstance(b -> b.stackSetName(name).stackInstanceAccount(account).stackInstanceRegion(region)).stackInstance()
                .parameterOverrides().forEach(p -> out.put(p.parameterKey(), p.parameterValue()));
        return out;
    }

    String deleteInstances(DeleteStackInstancesRequest request) {
        return cfn.deleteStackInstances(request).operationId();
    }

    void delete(String name) {
        cfn.deleteStackSet(b -> b.stackSetName(name));
    }

    StackSetOperation operation(String name, String operationId) {
        return cfn.describeStackSetOperation(b -> b.stackSetName(name).operationId(operationId)).stackSetOperation();
    }

    /** Each account and region the operation touched, with its status and reason (ListStackSetOperationResults pages). */
    List<StackSetOperationResultSummary> results(String name, String operationId) {
        return cfn.listStackSetOperationResultsPaginator(b -> b.stackSetName(name).operationId(operationId)).summaries().stream().toList();
    }

    /** Every stack instance (ListStackInstances pages). */
    List<StackInstanceSummary> instances(String name) {
        return cfn.listStackInstancesPaginator(b -> b.stackSetName(name)).summaries().stream().toList();
    }

    /** An operation that has ended: it will not change any more. */
    static boolean ended(StackSetOperationStatus status) {
        return status == StackSetOperationStatus.SUCCEEDED || status == StackSetOperationStatus.FAILED
                || status == StackSetOperationStatus.STOPPED;
    }

    /**
     * How vending runs every stack set operation: all regions at once (each region's fleet is independent
     * of the others), and no failure tolerated (one failed instance stops the operation in its region, so a
     * broken template is not rolled out further). STRICT_FAILURE_TOLERANCE then deploys one account at a
     * time within a region (concurrency = tolerance + 1).
     */
    static StackSetOperationPreferences preferences() {
        return StackSetOperationPreferences.builder()
                .regionConcurrencyType("PARALLEL")
                .failureToleranceCount(0)
                .maxConcurrentPercentage(100)
                .concurrencyMode("STRICT_FAILURE_TOLERANCE")
                .build();
    }
}
