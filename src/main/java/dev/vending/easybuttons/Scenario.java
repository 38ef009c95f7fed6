package dev.vending.easybuttons;

import java.util.Map;

import dev.vending.fleet.FleetSpec;

/**
 * One easy button: a preset fleet, its template file and Quick Create link.
 *
 * @param id       file name stem and suggested stack name, e.g. {@code linux-arm64-spot-100}
 * @param title    one line for the README table
 * @param spec     the fleet the template is built from
 * @param prefill  parameters the Quick Create link fills in ({@code &param_Name=value})
 * @param replaces the rows of the old vending machine's easy-button table this one stands for
 */
public record Scenario(String id, String title, FleetSpec spec, Map<String, String> prefill, String replaces) {
    public Scenario {
        prefill = Map.copyOf(prefill);
    }

    public String templateFile() {
        return id + ".yaml";
    }

    /** Stack name the Quick Create link suggests. */
    public String stackName() {
        return "gitlab-runners-" + id;
    }
}
