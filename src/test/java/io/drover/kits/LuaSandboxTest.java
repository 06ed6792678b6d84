package io.drover.kits;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The sandbox kits' Lua runs in: each way out is closed (files, processes, the network through Java, loading code
 * from a string, the debug library, the libraries' own tables, state kept from one call to the next), and a call
 * that loops, recurses or allocates without end is stopped by its bounds; the sandbox keeps working afterwards.
 */
class LuaSandboxTest {

    private final LuaSandbox lua = new LuaSandbox(Helpers.library());

    private LuaValue run(String body) {
        return lua.run(LuaSandbox.compile("test", body), new LuaSandbox.Bounds(200_000, 8L << 20), "input",
                LuaValue.tableOf(), null, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "return os.execute('touch /tmp/drover-lua-escape')",
        "return os.getenv('HOME')",
        "return io.open('/etc/passwd'):read('*a')",
        "return io.popen('id'):read('*a')",
        "return require('os')",
        "return load('return 1')()",
        "return loadstring('return 1')()",
        "return dofile('/etc/passwd')",
        "return loadfile('/etc/passwd')",
        "return debug.sethook()",
        "return debug.getinfo(1)",
        "return luajava.bindClass('java.lang.System'):exit(1)",
        "return luajava.newInstance('java.net.Socket', '127.0.0.1', 9)",
        "return string.dump(function() end)",
        "return coroutine.create(function() end)",
        "return collectgarbage('count')",
        "return print('x')",
        "return rawset(string, 'upper', nil)",
        "return package.loaded",
    })
    void noWayOut(String escape) {
        // Refused, or nil (indexing what is not there gives nil): never a value from outside.
        try {
            assertThat(run(escape).isnil()).as(escape).isTrue();
        } catch (LuaError refused) {
            assertThat(refused).isNotNull();
        }
        assertThat(new java.io.File("/tmp/drover-lua-escape")).doesNotExist();
    }

    @Test
    void theLibrariesAreReadOnlyAndTheirMetatablesHidden() {
        assertThatThrownBy(() -> run("string.upper = function() return 'x' end")).hasMessageContaining("read-only");
        assertThatThrownBy(() -> run("getmetatable('').__index.upper = nil")).isInstanceOf(LuaError.class);
        assertThatThrownBy(() -> run("setmetatable(string, {})")).isInstanceOf(LuaError.class);
        assertThatThrownBy(() -> run("LOWER = nil; table.insert = nil")).isInstanceOf(LuaError.class);
        assertThat(run("return ('Ab'):upper() .. string.lower('Ab')").tojstring()).isEqualTo("ABab");
    }

    @Test
    void nothingACallWritesToItsGlobalsIsSeenByTheNext() {
        assertThat(run("leaked = 42; LOWER = function() return 'hijacked' end; return leaked").toint()).isEqualTo(42);
        assertThat(run("return leaked").isnil()).isTrue();
        assertThat(run("return LOWER('X')").tojstring()).isEqualTo("x");
    }

    @Test
    void anEndlessLoopIsStoppedByTheInstructionBound() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThatThrownBy(() -> run("while true do end")).hasMessageContaining("CPU bound");
            assertThatThrownBy(() -> run("local function f(n) for i = 1, 1e9 do n = n + i end return n end return f(1)"))
                    .hasMessageContaining("CPU bound");
            assertThatThrownBy(() -> run("return MAP({1, 2, 3}, function (x) while true do end end)"))
                    .hasMessageContaining("CPU bound");
        });
        assertThat(run("return 1 + 1").toint()).isEqualTo(2);
    }

    @Test
    void endlessRecursionIsStopped() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                assertThatThrownBy(() -> run("local function f(n) return 1 + f(n + 1) end return f(1)"))
                        .isInstanceOf(LuaError.class));
        assertThat(run("return 2 * 3").toint()).isEqualTo(6);
    }

    @Test
    void growingWithoutEndIsStoppedByTheMemoryBound() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThatThrownBy(() -> run("local s = 'x' for i = 1, 40 do s = s .. s end return #s"))
                    .hasMessageContaining("memory bound");
            assertThatThrownBy(() -> run("local t = {} for i = 1, 1e7 do t[i] = {i, i} end return #t"))
                    .isInstanceOf(LuaError.class);
            assertThatThrownBy(() -> run("return string.rep('x', 1e9)")).hasMessageContaining("longer than");
            assertThatThrownBy(() -> run("return ('x'):rep(1e9)")).hasMessageContaining("longer than");
            assertThatThrownBy(() -> run("return JOIN({string.rep('x', 1e6), string.rep('x', 1e6)}, '')"))
                    .isInstanceOf(LuaError.class);
        });
    }

    @Test
    void aResultThatHoldsItselfOrIsHugeIsRefusedWhenTurnedIntoJson() {
        LuaValue self = run("local t = {} t.me = t return t");
        assertThatThrownBy(() -> LuaJson.toJson(self)).hasMessageContaining("nested deeper");
    }

    @Test
    void indexingNilGivesNilAsInMetaRoutersLua() {
        assertThat(run("return input.context.campaign.source").isnil()).isTrue();
        assertThat(run("local n = 0 for k, v in pairs(input.properties) do n = n + 1 end return n").toint()).isZero();
    }
}
