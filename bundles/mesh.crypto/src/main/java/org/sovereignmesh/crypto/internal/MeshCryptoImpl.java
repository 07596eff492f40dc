package org.sovereignmesh.crypto.internal;

import java.time.Duration;

import org.osgi.service.component.annotations.Component;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.crypto.CryptoException;
import org.sovereignmesh.crypto.MeshCrypto;
import org.sovereignmesh.crypto.NodeKeys;
import org.sovereignmesh.crypto.NoiseHandshake;
import org.sovereignmesh.crypto.OpenedPacket;
import org.sovereignmesh.crypto.ReplayGuard;

/** {@link MeshCrypto} on BouncyCastle and the JDK. Plain Java; also registered as the OSGi service. */
@Component(service = MeshCrypto.class)
public final class MeshCryptoImpl implements MeshCrypto {
    private final SealedPackets sealed = new SealedPackets();

    @Override
    public boolean verify(PeerId signer, byte[] message, byte[] signature) {
        return sealed.verify(signer, message, signature);
    }

    @Override
    public NoiseHandshake handshake(NodeKeys local, boolean initiator, byte[] prologue) {
        return new IdentityHandshake(local, initiator, prologue, null);
    }

    @Override
    public byte[] seal(NodeKeys sender, PeerId recipient, byte[] payload, long createdAtMillis) {
        return sealed.seal(sender, recipient, payload, createdAtMillis);
    }

    @Override
    public OpenedPacket open(NodeKeys recipient, byte[] packet) throws CryptoException {
        return sealed.open(recipient, packet);
    }

    @Override
    public ReplayGuard replayGuard(Duration horizon, int capacity) {
        return new BoundedReplayGuard(horizon, capacity);
    }
}
