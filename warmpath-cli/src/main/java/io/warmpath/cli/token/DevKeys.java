package io.warmpath.cli.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Set;

/**
 * The development RSA key pair that signs dev tokens and that the gateway trusts in local runs.
 *
 * <p>Layout of a key directory (by default {@code .warmpath/}):
 * <ul>
 *   <li>{@value #SIGNING_KEY_FILE}: the private key, PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), file mode 600;</li>
 *   <li>{@value #PUBLIC_KEY_FILE}: the public key, X.509 SubjectPublicKeyInfo PEM ({@code BEGIN PUBLIC KEY}),
 *       the file the gateway's {@code spring.security.oauth2.resourceserver.jwt.public-key-location} points at.</li>
 * </ul>
 * The key id ({@code kid}) is the RFC 7638 thumbprint of the public key, so it is stable for a given pair.
 */
public final class DevKeys {

    public static final String SIGNING_KEY_FILE = "dev-signing-key.pem";
    public static final String PUBLIC_KEY_FILE = "dev-public-key.pem";

    private static final int KEY_BITS = 2048;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private DevKeys() {
    }

    /**
     * Creates the key pair in {@code dir} unless a signing key is already there; an existing pair is kept.
     * A missing public key next to an existing signing key is derived from it again.
     *
     * @return true when a new pair was created
     */
    public static boolean ensure(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path signingKey = dir.resolve(SIGNING_KEY_FILE);
        Path publicKey = dir.resolve(PUBLIC_KEY_FILE);
        if (Files.exists(signingKey)) {
            if (!Files.exists(publicKey)) {
                writeAtomically(publicKey, publicKeyPem(publicHalf(readPrivateKey(signingKey))), false);
            }
            return false;
        }
        RSAPrivateCrtKey privateKey = generate();
        // Public first: a reader that sees the signing key can rely on its public half being there too.
        writeAtomically(publicKey, publicKeyPem(publicHalf(privateKey)), false);
        writeAtomically(signingKey, Pem.encode("PRIVATE KEY", privateKey.getEncoded()), true);
        return true;
    }

    /**
     * Reads the signing key of {@code dir} as a Nimbus JWK (private and public halves, {@code kid} = thumbprint,
     * {@code alg} RS256).
     *
     * @throws MissingDevKeyException when the directory holds no signing key
     */
    public static RSAKey load(Path dir) throws IOException {
        Path signingKey = dir.resolve(SIGNING_KEY_FILE);
        if (!Files.exists(signingKey)) {
            throw new MissingDevKeyException(signingKey);
        }
        RSAPrivateCrtKey privateKey = readPrivateKey(signingKey);
        try {
            return new RSAKey.Builder(publicHalf(privateKey))
                    .privateKey(privateKey)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .keyIDFromThumbprint()
                    .build();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot compute the key thumbprint", e);
        }
    }

    /** The public key as X.509 SubjectPublicKeyInfo PEM, as written to {@value #PUBLIC_KEY_FILE}. */
    public static String publicKeyPem(RSAPublicKey publicKey) {
        return Pem.encode("PUBLIC KEY", publicKey.getEncoded());
    }

    private static RSAPrivateCrtKey readPrivateKey(Path signingKey) throws IOException {
        try {
            byte[] der = Pem.decode("PRIVATE KEY", Files.readString(signingKey, StandardCharsets.US_ASCII));
            return (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw new IOException("unreadable RSA signing key in " + signingKey + " (expected PKCS#8 PEM): "
                    + e.getMessage(), e);
        }
    }

    private static RSAPrivateCrtKey generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(KEY_BITS);
            return (RSAPrivateCrtKey) generator.generateKeyPair().getPrivate();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate RSA keys", e);
        }
    }

    private static RSAPublicKey publicHalf(RSAPrivateCrtKey privateKey) {
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive the RSA public key", e);
        }
    }

    /** Writes through a temporary file and a rename, so no reader ever sees half a key or a too-open private key. */
    static void writeAtomically(Path target, String text, boolean ownerOnly) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        boolean posix = Files.getFileStore(target.getParent()).supportsFileAttributeView("posix");
        FileAttribute<?>[] attributes = ownerOnly && posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        try {
            Files.createFile(temp, attributes);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("another process is writing " + target + "; try again", e);
        }
        Files.writeString(temp, text, StandardCharsets.US_ASCII);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
