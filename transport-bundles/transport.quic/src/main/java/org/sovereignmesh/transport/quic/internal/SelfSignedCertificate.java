package org.sovereignmesh.transport.quic.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A throw-away self-signed X.509 certificate (ECDSA P-256) for the QUIC transport's TLS 1.3, made with the JDK's own
 * crypto and a few lines of DER: no BouncyCastle, no JDK-internal classes.
 *
 * <p>Why self-signed and why peers accept any certificate: QUIC cannot run without TLS, but the mesh does not use
 * TLS to decide who a peer is. The core authenticates every neighbour above the transport, the same way on every
 * medium (its Noise handshake), so a certificate here only satisfies QUIC and proves nothing.
 */
final class SelfSignedCertificate {
    private static final byte[] ECDSA_WITH_SHA256 = {0x06, 0x08, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x04, 0x03, 0x02};
    private static final byte[] COMMON_NAME = {0x06, 0x03, 0x55, 0x04, 0x03};
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    final PrivateKey key;
    final X509Certificate certificate;

    private SelfSignedCertificate(PrivateKey key, X509Certificate certificate) {
        this.key = key;
        this.certificate = certificate;
    }

    static SelfSignedCertificate create(String commonName, Instant now) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        byte[] serial = new byte[8];
        new SecureRandom().nextBytes(serial);
        serial[0] &= 0x7f; // positive
        byte[] name = sequence(set(sequence(COMMON_NAME, tlv(0x0C, commonName.getBytes(StandardCharsets.UTF_8)))));
        byte[] validity = sequence(
                tlv(0x17, UTC_TIME.format(now.minus(Duration.ofDays(1))).getBytes(StandardCharsets.US_ASCII)),
                tlv(0x17, UTC_TIME.format(now.plus(Duration.ofDays(365))).getBytes(StandardCharsets.US_ASCII)));
        byte[] algorithm = sequence(ECDSA_WITH_SHA256);
        byte[] tbs = sequence(
                tlv(0xA0, tlv(0x02, new byte[] {2})), // version 3
                tlv(0x02, serial), algorithm, name, validity, name, pair.getPublic().getEncoded());
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(pair.getPrivate());
        signer.update(tbs);
        byte[] signature = signer.sign();
        byte[] bitString = new byte[signature.length + 1];
        System.arraycopy(signature, 0, bitString, 1, signature.length);
        byte[] der = sequence(tbs, algorithm, tlv(0x03, bitString));
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
        certificate.verify(pair.getPublic());
        return new SelfSignedCertificate(pair.getPrivate(), certificate);
    }

    private static byte[] sequence(byte[]... parts) {
        return tlv(0x30, concat(parts));
    }

    private static byte[] set(byte[]... parts) {
        return tlv(0x31, concat(parts));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** DER type-length-value with a definite length. */
    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        int length = value.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length & 0xff);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }
}
