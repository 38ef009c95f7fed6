package dev.vending.cfn.resource;

import java.util.List;

import dev.vending.cfn.Props;
import dev.vending.cfn.Resource;

/** AWS::IAM::OIDCProvider (an IAM identity provider for OpenID Connect tokens, e.g. GitLab's ID tokens). */
public final class OidcProvider extends Resource {
    private Object url;
    private List<Object> clientIds = List.of();

    public OidcProvider(String logicalId) {
        super(logicalId);
    }

    @Override
    public String type() {
        return "AWS::IAM::OIDCProvider";
    }

    /** The issuer URL (https); IAM fetches its signing keys from there. */
    public OidcProvider url(Object v) { url = v; return this; }
    /** Audiences the provider accepts (the tokens' aud claim). */
    public OidcProvider clientIds(List<Object> v) { clientIds = List.copyOf(v); return this; }

    @Override
    protected Props properties() {
        return Props.of().put("Url", url).put("ClientIdList", clientIds.isEmpty() ? null : clientIds);
    }
}
