package dev.billing.core.spi;

import java.util.Locale;

/**
 * The one rule for which hosts a provider may reach over plain {@code http://}: loopback hosts only
 * ({@code localhost}, {@code 127.0.0.0/8}, {@code [::1]}), for tests and simulators. Every other endpoint
 * must be {@code https://}.
 */
public final class Loopback {
    private Loopback() {
    }

    /**
     * @param host a URI's host, as {@link java.net.URI#getHost()} gives it (may be {@code null})
     * @return whether it is {@code localhost}, an IPv4 address in {@code 127.0.0.0/8} or {@code [::1]}
     */
    public static boolean isHost(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.equals("[::1]") || h.equals("::1")) {
            return true;
        }
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String part : parts) {
            if (!part.matches("\\d{1,3}") || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
