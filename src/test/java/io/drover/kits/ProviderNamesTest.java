package io.drover.kits;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaTable;

import static org.assertj.core.api.Assertions.assertThat;

/** Vendor ids under MetaRouter's sync names and Drover's, both ways, never replacing a name already there. */
class ProviderNamesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void metaRoutersTagGetsDroversNames() throws Exception {
        ObjectNode context = (ObjectNode) MAPPER.readTree("""
                {"providers":{"googleAnalytics4":{"clientID":"111.222","sessionID":"333"},
                 "googleGtag":{"data":{"gclid":"GCL.1732780800.EAIa_click"}},
                 "facebookTag":{"_fbp":"fb.1.1.2","_fbc":"fb.1.1.IwAR"},
                 "snapchatCAPI":{"ScCid":"sc-1"},"pinterestCAPI":{"epik":"ep-1"},
                 "meta":{"fbp":"kept"}}}""");
        ProviderNames.addDroverNames(context);
        assertThat(context.at("/providers/google/clientId").asText()).isEqualTo("111.222");
        assertThat(context.at("/providers/google/sessionId").asText()).isEqualTo("333");
        assertThat(context.at("/providers/google/gclid").asText()).isEqualTo("EAIa_click");
        assertThat(context.at("/providers/meta/fbp").asText()).isEqualTo("kept");
        assertThat(context.at("/providers/meta/fbc").asText()).isEqualTo("fb.1.1.IwAR");
        assertThat(context.at("/providers/snapchat/clickId").asText()).isEqualTo("sc-1");
        assertThat(context.at("/providers/pinterest/clickId").asText()).isEqualTo("ep-1");
        assertThat(context.at("/providers/googleAnalytics4/clientID").asText()).isEqualTo("111.222");
    }

    @Test
    void kitsGetMetaRoutersNamesFromDroversTag() throws Exception {
        LuaTable input = (LuaTable) LuaJson.toLua(MAPPER.readTree("""
                {"context":{"providers":{"google":{"clientId":"111.222","gclid":"EAIa"},
                 "meta":{"fbp":"fb.1.1.2"},"googleAnalytics4":{"clientID":"theirs"}}}}"""));
        ProviderNames.addMetaRouterNames(input);
        assertThat(KitPlaybook.read(input, KitPlaybook.path("context.providers.facebookTag._fbp")).tojstring())
                .isEqualTo("fb.1.1.2");
        assertThat(KitPlaybook.read(input, KitPlaybook.path("context.providers.googleGtag.data.ga")).tojstring())
                .isEqualTo("GA1.1.111.222");
        assertThat(KitPlaybook.read(input, KitPlaybook.path("context.providers.googleAds.gclid")).tojstring())
                .isEqualTo("EAIa");
        assertThat(KitPlaybook.read(input, KitPlaybook.path("context.providers.googleAnalytics4.clientID")).tojstring())
                .isEqualTo("theirs");
        assertThat(KitPlaybook.read(input, KitPlaybook.path("context.providers.googleGtag.data.gclid")).isnil()).isTrue();
    }

    @Test
    void aKitSeesMetaRoutersNamesAsIfAddedUpFrontThoughTheyAreMadeWhenRead() throws Exception {
        ObjectNode event = (ObjectNode) MAPPER.readTree("""
                {"context":{"providers":{"google":{"clientId":"111.222","gclid":"EAIa"},
                 "meta":{"fbp":"fb.1.1.2"},"googleAnalytics4":{"clientID":"theirs"}}}}""");
        String stored = event.toString();
        LuaSandbox lua = new LuaSandbox(Helpers.library());
        // Read by name: made on that read.
        LuaTable input = (LuaTable) LuaJson.toLua(event);
        ProviderNames.addMetaRouterNames(input);
        assertThat(lua.run(LuaSandbox.compile("t", "return input.context.providers.googleGtag.data.ga"),
                LuaSandbox.Bounds.DEFAULT, "input", input, null, null).tojstring()).isEqualTo("GA1.1.111.222");
        // Iterated: every name is there first, and one already there is kept.
        input = (LuaTable) LuaJson.toLua(event);
        ProviderNames.addMetaRouterNames(input);
        String names = lua.run(LuaSandbox.compile("t", """
                local names = {}
                for k, v in pairs(input.context.providers) do names[#names + 1] = k end
                table.sort(names)
                return table.concat(names, ',') .. ' ' .. input.context.providers.googleAnalytics4.clientID
                    .. ' ' .. input.context.providers.facebookTag._fbp"""),
                LuaSandbox.Bounds.DEFAULT, "input", input, null, null).tojstring();
        assertThat(names).isEqualTo("facebookTag,google,googleAds,googleAnalytics4,googleGtag,meta theirs fb.1.1.2");
        // The whole input as a vendor event (a kit that maps context.providers as it is) has them all too.
        input = (LuaTable) LuaJson.toLua(event);
        ProviderNames.addMetaRouterNames(input);
        String json = LuaJson.toJsonText(KitPlaybook.read(input, KitPlaybook.path("context.providers")));
        assertThat(MAPPER.readTree(json).at("/googleAds/gclid").asText()).isEqualTo("EAIa");
        assertThat(MAPPER.readTree(json).at("/googleAnalytics4/gclid").asText()).isEqualTo("EAIa");
        assertThat(event.toString()).as("the stored event").isEqualTo(stored);
    }
}
