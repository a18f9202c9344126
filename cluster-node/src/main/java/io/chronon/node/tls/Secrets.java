package io.chronon.node.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Passwords of key stores, read from a file or an environment variable: never from the
 * command line (other accounts see it in the process list) nor from the configuration text.
 */
public final class Secrets {
    private Secrets() {
    }

    /**
     * The password in {@code file} (its first line, without the line end) if one is named, else
     * in environment variable {@code env} if one is named, else empty.
     *
     * @param what the settings named, for the error message (e.g. {@code chronon.http.tls.keystore-password-file})
     * @throws IllegalArgumentException when the file cannot be read or the variable is not set
     */
    public static char[] password(String file, String env, String what) {
        if (file != null && !file.isEmpty()) {
            try {
                String text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
                int end = text.indexOf('\n');
                return (end < 0 ? text : text.substring(0, end)).replace("\r", "").toCharArray();
            } catch (IOException e) {
                throw new IllegalArgumentException(what + ": cannot read the password file " + file + ": " + e.getMessage(), e);
            }
        }
        if (env != null && !env.isEmpty()) {
            String value = System.getenv(env);
            if (value == null) {
                throw new IllegalArgumentException(what + ": the environment variable " + env + " is not set");
            }
            return value.toCharArray();
        }
        return new char[0];
    }
}
