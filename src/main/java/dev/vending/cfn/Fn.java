package dev.vending.cfn;

import java.util.Arrays;
import java.util.List;

/** Factory for intrinsic functions and pseudo parameters. */
public final class Fn {
    private Fn() {
    }

    public static final Intrinsic NO_VALUE = ref("AWS::NoValue");
    public static final Intrinsic STACK_NAME = ref("AWS::StackName");

    public static Intrinsic ref(String logicalId) {
        return new Intrinsic("Ref", logicalId);
    }

    public static Intrinsic ref(Parameter p) {
        return ref(p.logicalId());
    }

    public static Intrinsic ref(Resource r) {
        return ref(r.logicalId());
    }

    public static Intrinsic sub(String template) {
        return new Intrinsic("Fn::Sub", template);
    }

    public static Intrinsic getAtt(Resource r, String attribute) {
        return new Intrinsic("Fn::GetAtt", List.of(r.logicalId(), attribute));
    }

    public static Intrinsic base64(Object value) {
        return new Intrinsic("Fn::Base64", value);
    }

    public static Intrinsic join(String delimiter, List<?> values) {
        return new Intrinsic("Fn::Join", List.of(delimiter, List.copyOf(values)));
    }

    public static Intrinsic split(String delimiter, Object value) {
        return new Intrinsic("Fn::Split", List.of(delimiter, value));
    }

    public static Intrinsic ifThen(Condition condition, Object whenTrue, Object whenFalse) {
        return new Intrinsic("Fn::If", List.of(condition.logicalId(), whenTrue, whenFalse));
    }

    public static Intrinsic equalTo(Object a, Object b) {
        return new Intrinsic("Fn::Equals", List.of(a, b));
    }

    public static Intrinsic not(Object condition) {
        return new Intrinsic("Fn::Not", List.of(condition));
    }

    public static Intrinsic and(Object... conditions) {
        return new Intrinsic("Fn::And", List.copyOf(Arrays.asList(conditions)));
    }

    public static Intrinsic or(Object... conditions) {
        return new Intrinsic("Fn::Or", List.copyOf(Arrays.asList(conditions)));
    }

}
