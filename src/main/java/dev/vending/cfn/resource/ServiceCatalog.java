package dev.vending.cfn.resource;

import java.util.List;

import dev.vending.cfn.Props;
import dev.vending.cfn.Resource;

/** The AWS::ServiceCatalog resources of a portfolio of CloudFormation products. */
public final class ServiceCatalog {
    private ServiceCatalog() {
    }

    /** AWS::ServiceCatalog::Portfolio. */
    public static final class Portfolio extends Resource {
        private final String displayName;
        private final String providerName;
        private final String description;

        public Portfolio(String logicalId, String displayName, String providerName, String description) {
            super(logicalId);
            this.displayName = displayName;
            this.providerName = providerName;
            this.description = description;
        }

        @Override
        public String type() {
            return "AWS::ServiceCatalog::Portfolio";
        }

        @Override
        protected Props properties() {
            return Props.of().put("DisplayName", displayName).put("ProviderName", providerName).put("Description", description);
        }
    }

    /** AWS::ServiceCatalog::CloudFormationProduct with one provisioning artifact loaded from a template URL. */
    public static final class CloudFormationProduct extends Resource {
        private final String name;
        private final String owner;
        private final String description;
        private final String artifactName;
        private final Object templateUrl;

        public CloudFormationProduct(String logicalId, String name, String owner, String description, String artifactName, Object templateUrl) {
            super(logicalId);
            this.name = name;
            this.owner = owner;
            this.description = description;
            this.artifactName = artifactName;
            this.templateUrl = templateUrl;
        }

        @Override
        public String type() {
            return "AWS::ServiceCatalog::CloudFormationProduct";
        }

        @Override
        protected Props properties() {
            return Props.of().put("Name", name).put("Owner", owner).put("Description", description)
                    .put("ProvisioningArtifactParameters", List.of(Props.of().put("Name", artifactName)
                            .put("Type", "CLOUD_FORMATION_TEMPLATE")
                            .put("Info", Props.of().put("LoadTemplateFromURL", templateUrl).toMap()).toMap()));
        }
    }

    /** AWS::ServiceCatalog::PortfolioProductAssociation. */
    public static final class PortfolioProductAssociation extends Resource {
        private final Object portfolioId;
        private final Object productId;

        public PortfolioProductAssociation(String logicalId, Object portfolioId, Object productId) {
            super(logicalId);
            this.portfolioId = portfolioId;
            this.productId = productId;
        }

        @Override
        public String type() {
            return "AWS::ServiceCatalog::PortfolioProductAssociation";
        }

        @Override
        protected Props properties() {
            return Props.of().put("PortfolioId", portfolioId).put("ProductId", productId);
        }
    }

    /** AWS::ServiceCatalog::LaunchRoleConstraint: the role Service Catalog launches the product with. */
    public static final class LaunchRoleConstraint extends Resource {
        private final Object portfolioId;
        private final Object productId;
        private final Object roleArn;
        private final String description;

        public LaunchRoleConstraint(String logicalId, Object portfolioId, Object productId, Object roleArn, String description) {
            super(logicalId);
            this.portfolioId = portfolioId;
            this.productId = productId;
            this.roleArn = roleArn;
            this.description = description;
        }

        @Override
        public String type() {
            return "AWS::ServiceCatalog::LaunchRoleConstraint";
        }

        @Override
        protected Props properties() {
            return Props.of().put("Description", description).put("PortfolioId", portfolioId).put("ProductId", productId).put("RoleArn", roleArn);
        }
    }

    /** AWS::ServiceCatalog::PortfolioPrincipalAssociation (PrincipalType IAM: a user, group or role ARN). */
    public static final class PortfolioPrincipalAssociation extends Resource {
        private final Object portfolioId;
        private final Object principalArn;

        public PortfolioPrincipalAssociation(String logicalId, Object portfolioId, Object principalArn) {
            super(logicalId);
            this.portfolioId = portfolioId;
            this.principalArn = principalArn;
        }

        @Override
        public String type() {
            return "AWS::ServiceCatalog::PortfolioPrincipalAssociation";
        }

        @Override
        protected Props properties() {
            return Props.of().put("PortfolioId", portfolioId).put("PrincipalARN", principalArn).put("PrincipalType", "IAM");
        }
    }
}
