package dev.vending.easybuttons;

import java.util.List;

import dev.vending.cfn.TemplateFormat;
import dev.vending.fleet.Arch;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.FleetTemplate;
import dev.vending.fleet.OperatingSystem;
import dev.vending.fleet.Purchase;

/**
 * The full templates of templates/: one per OS and architecture, every deploy-time option a
 * parameter. The same specs as the generate commands templates/README.md documents (a test compares).
 */
public final class FullTemplates {
    /** One full template: its file name, what it is, and the fleet it is built from. */
    public record Full(String file, String title, FleetSpec spec) {
        public String render() {
            return TemplateFormat.YAML.render(FleetTemplate.build(spec, true));
        }
    }

    private FullTemplates() {
    }

    public static List<Full> all() {
        return List.of(
                new Full("vending-linux-arm64.yaml", "Amazon Linux 2023, arm64 (Graviton), docker; every option a parameter",
                        FleetSpec.builder().os(OperatingSystem.LINUX).arch(Arch.ARM64).purchase(Purchase.allSpot()).build()),
                new Full("vending-linux-x86_64.yaml", "Amazon Linux 2023, x86_64, docker; every option a parameter",
                        FleetSpec.builder().os(OperatingSystem.LINUX).arch(Arch.X86_64).purchase(Purchase.allSpot()).build()),
                new Full("vending-windows.yaml", "Windows Server 2022, x86_64, shell; every option a parameter",
                        FleetSpec.builder().os(OperatingSystem.WINDOWS).build()));
    }
}
