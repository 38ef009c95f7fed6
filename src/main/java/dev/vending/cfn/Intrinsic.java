package dev.vending.cfn;

import java.util.List;
import java.util.Objects;

/**
 * One CloudFormation intrinsic function call, e.g. {@code Fn::Sub} with its argument.
 * Built through {@link Fn}; the writers decide between short form ({@code !Sub}) and long form.
 */
public record Intrinsic(String longName, Object argument) implements CfnValue {

    public Intrinsic {
        Objects.requireNonNull(longName, "longName");
        Objects.requireNonNull(argument, "argument");
    }

    /** The YAML short-form tag: {@code Ref -> !Ref}, {@code Fn::Sub -> !Sub}, {@code Condition -> !Condition}. */
    public String shortTag() {
        return "!" + (longName.startsWith("Fn::") ? longName.substring(4) : longName);
    }

    /** GetAtt's short form is the dotted scalar {@code Resource.Attribute}. */
    Object shortArgument() {
        if (longName.equals("Fn::GetAtt") && argument instanceof List<?> l && l.size() == 2
                && l.get(0) instanceof String r && l.get(1) instanceof String a) {
            return r + "." + a;
        }
        return argument;
    }
}
