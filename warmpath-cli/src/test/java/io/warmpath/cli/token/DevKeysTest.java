package io.warmpath.cli.token;

import com.nimbusds.jose.jwk.RSAKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DevKeysTest {

    @TempDir
    Path dir;

    @Test
    void createsThePairOnceAndKeepsItAfterwards() throws Exception {
        assertThat(DevKeys.ensure(dir)).isTrue();
        String signingKey = Files.readString(dir.resolve(DevKeys.SIGNING_KEY_FILE));
        String publicKey = Files.readString(dir.resolve(DevKeys.PUBLIC_KEY_FILE));

        assertThat(DevKeys.ensure(dir)).isFalse();

        assertThat(Files.readString(dir.resolve(DevKeys.SIGNING_KEY_FILE))).isEqualTo(signingKey);
        assertThat(Files.readString(dir.resolve(DevKeys.PUBLIC_KEY_FILE))).isEqualTo(publicKey);
        assertThat(signingKey).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
        assertThat(publicKey).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
    }

    @Test
    void signingKeyIsReadableByItsOwnerOnly() throws Exception {
        DevKeys.ensure(dir);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(DevKeys.SIGNING_KEY_FILE))))
                .isEqualTo("rw-------");
    }

    @Test
    void publicKeyFileIsX509AndMatchesTheSigningKey() throws Exception {
        DevKeys.ensure(dir);

        RSAPublicKey fromFile = readPublicKeyFile(dir);
        RSAKey loaded = DevKeys.load(dir);

        assertThat(fromFile.getModulus().bitLength()).isEqualTo(2048);
        assertThat(fromFile).isEqualTo(loaded.toRSAPublicKey());
        assertThat(loaded.isPrivate()).isTrue();
    }

    @Test
    void keyIdIsAStableThumbprint() throws Exception {
        DevKeys.ensure(dir);

        RSAKey first = DevKeys.load(dir);
        RSAKey second = DevKeys.load(dir);

        assertThat(first.getKeyID()).isNotBlank().isEqualTo(second.getKeyID())
                .isEqualTo(first.computeThumbprint().toString());
    }

    @Test
    void lostPublicKeyIsDerivedAgainFromTheSigningKey() throws Exception {
        DevKeys.ensure(dir);
        String publicKey = Files.readString(dir.resolve(DevKeys.PUBLIC_KEY_FILE));
        Files.delete(dir.resolve(DevKeys.PUBLIC_KEY_FILE));

        assertThat(DevKeys.ensure(dir)).isFalse();

        assertThat(Files.readString(dir.resolve(DevKeys.PUBLIC_KEY_FILE))).isEqualTo(publicKey);
    }

    @Test
    void loadingFromAnEmptyDirectoryTellsHowToCreateTheKey() {
        assertThatThrownBy(() -> DevKeys.load(dir))
                .isInstanceOf(MissingDevKeyException.class)
                .hasMessageContaining(DevKeys.SIGNING_KEY_FILE)
                .hasMessageContaining("./warmpath up");
    }

    static RSAPublicKey readPublicKeyFile(Path dir) throws Exception {
        byte[] der = Pem.decode("PUBLIC KEY", Files.readString(dir.resolve(DevKeys.PUBLIC_KEY_FILE)));
        return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    }
}
