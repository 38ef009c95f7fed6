package dev.vending.fleet;

import dev.vending.cfn.Fn;
import dev.vending.cfn.Parameter;
import dev.vending.cfn.Template;

/**
 * How a rolling update replaces the runners: {@code MaxBatchSize} and {@code MinInstancesInService}
 * of the group's AutoScalingRollingUpdate policy (see docs/lifecycle.md, "Updates").
 *
 * <p>The batch is a quarter of the most instances the group can hold ({@code --max}, which is at
 * least the schedule's runner count), so any fleet is replaced in at most four batches.
 * CloudFormation refuses an update whose MinInstancesInService is not below MaxSize, and MaxSize is
 * the MaxRunners parameter, which console users can change. CloudFormation has no arithmetic and its
 * conditions only compare for equality, so this holds by construction: MinInstancesInService is a
 * number fixed at generation, {@code min(desired, max - batch)} (a batch of new runners can launch
 * before old ones drain), and MaxRunners' MinValue is that number plus one.
 *
 * @param batch a number, or in the full template a Ref to {@link #P_BATCH}
 */
record UpdateBatches(int minInService, Object batch) {
    static final String P_BATCH = "UpdateBatchSize";

    /**
     * MinSuccessfulInstancesPercent of the rolling update: a batch succeeds when this share of its new instances
     * signals SUCCESS within PauseTime (AWS rounds up: 80% of 5 is 4). So one instance of five that never comes up
     * (a Spot instance reclaimed while booting, a bad host) does not roll back a 100-runner update, while batches
     * under 5 need every instance and a batch whose bootstraps all fail always fails (docs/lifecycle.md).
     */
    static final int MIN_SUCCESSFUL_PERCENT = 80;

    /** Instances kept in service during an update; MaxRunners may not go below this plus one. */
    static int minInService(FleetSpec spec) {
        int max = spec.capacity().max();
        return Math.max(0, Math.min(spec.capacity().desired(), max - Capacity.rollingBatch(max)));
    }

    /**
     * The lowest MaxRunners the template accepts: above MinInstancesInService (or CloudFormation refuses every
     * update), and at least the schedule's runner count (the full template: ScheduleRunners' default), so the
     * window's size fits under the MaxSize its start sets ({@link Elasticity#startMax}).
     */
    static int lowestMax(FleetSpec spec, boolean allParameters) {
        int lowest = minInService(spec) + 1;
        if (allParameters) {
            return Math.max(lowest, FleetValues.defaultScheduleRunners(spec));
        }
        return spec.schedule() == null ? lowest : Math.max(lowest, spec.schedule().runnersWhenStarted());
    }

    /** In the full template the batch is a parameter (defaulting to a quarter of MaxRunners' default). */
    static UpdateBatches of(FleetSpec spec, Template t, boolean allParameters, String group) {
        int batch = Capacity.rollingBatch(spec.capacity().max());
        if (!allParameters) {
            return new UpdateBatches(minInService(spec), batch);
        }
        Parameter p = t.add(Parameter.number(P_BATCH).group(group).label("Instances replaced at once in an update")
                .description("Set it to about a quarter of the maximum instances, so that any fleet is replaced in at most 4 batches "
                        + "(CloudFormation cannot compute it from MaxRunners)")
                .defaultValue(batch).minValue(1).maxValue(Capacity.MAX_LIMIT));
        return new UpdateBatches(minInService(spec), Fn.ref(p));
    }
}
