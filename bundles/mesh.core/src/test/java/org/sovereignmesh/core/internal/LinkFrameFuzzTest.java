package org.sovereignmesh.core.internal;

import java.time.Duration;

import org.sovereignmesh.crypto.CryptoException;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Arbitrary frames from a neighbour, before and after a real handshake: the node may close the link, never throw.
 * The test nodes' virtual clock propagates task failures, so any exception on the node's loop reaches Jazzer.
 * Fuzz for real with {@code JAZZER_FUZZ=1 mvn -pl bundles/mesh.core -am test -Dtest=LinkFrameFuzzTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class LinkFrameFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void framesFromANeighbour(FuzzedDataProvider data) throws CryptoException {
        TestNodes nodes = new TestNodes();
        TestNodes.Node node = nodes.node();
        ScriptedTransport transport = new ScriptedTransport();
        node.mesh.addTransport(transport, "fuzz");
        nodes.clock.runFor(Duration.ofMillis(1));
        ScriptedPeer peer = new ScriptedPeer(nodes, transport.accept("fuzz"));
        nodes.clock.runFor(Duration.ofMillis(1));
        if (data.consumeBoolean()) {
            peer.handshake();
        }
        for (int i = 0; i < 4 && data.remainingBytes() > 0; i++) {
            byte[] frame = data.consumeBytes(data.consumeInt(0, 600));
            if (data.consumeBoolean() && peer.session != null) {
                frame = peer.secureFrame(frame); // well-encrypted garbage reaches the inner decoders
            }
            peer.link.receive(frame);
            nodes.clock.runFor(Duration.ofMillis(1));
        }
        nodes.clock.runFor(Duration.ofSeconds(20));
    }
}
