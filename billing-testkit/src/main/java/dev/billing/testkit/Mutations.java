package dev.billing.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seeded mutations of a valid input (a configuration file, a rates or FOCUS file, a provider's answer), for fuzz
 * suites: each seed gives the same mutant. A mutant is the input with one to three of: a number replaced by an
 * extreme one ({@code 1E+999999999}, a 100,000-digit number...), control characters or invalid UTF-8 inserted, a
 * range deleted, duplicated or truncated, a very long run of text inserted, a byte order mark put in front.
 */
public final class Mutations {
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");
    private static final List<String> EXTREME = List.of("1E+999999999", "1E-999999999", "-1e2147483647",
            "9".repeat(100_000), "0." + "0".repeat(5_000) + "1", "NaN", "-0", "1" + "0".repeat(40), "1e-40", "", "\"\"",
            "null", "[]", "{}", "\u001b[2J\u0007");

    private Mutations() {
    }

    /**
     * @param input a valid input
     * @param seed the seed
     * @return a mutant of it
     */
    public static byte[] mutate(byte[] input, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] out = input;
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            out = once(out, r);
        }
        return out;
    }

    /**
     * @param input a valid text input
     * @param seed the seed
     * @return a mutant of it, as text (invalid UTF-8 decoded as replacement characters)
     */
    public static String mutate(String input, long seed) {
        return new String(mutate(input.getBytes(StandardCharsets.UTF_8), seed), StandardCharsets.UTF_8);
    }

    private static byte[] once(byte[] in, SplittableRandom r) {
        String text = new String(in, StandardCharsets.ISO_8859_1); // one char per byte: positions stay byte positions
        int at = in.length == 0 ? 0 : r.nextInt(in.length + 1);
        return switch (r.nextInt(8)) {
            case 0, 1 -> { // a number replaced by an extreme value
                Matcher m = NUMBER.matcher(text);
                int count = 0;
                while (m.find()) {
                    count++;
                }
                if (count == 0) {
                    yield insert(in, at, bytes(EXTREME.get(r.nextInt(EXTREME.size()))));
                }
                int pick = r.nextInt(count);
                m.reset();
                for (int i = 0; i <= pick; i++) {
                    m.find();
                }
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                b.write(in, 0, m.start());
                b.writeBytes(bytes(EXTREME.get(r.nextInt(EXTREME.size()))));
                b.write(in, m.end(), in.length - m.end());
                yield b.toByteArray();
            }
            case 2 -> insert(in, at, new byte[] {(byte) (r.nextInt(32)), 0x1b, 0x07});
            case 3 -> insert(in, at, new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc3});
            case 4 -> { // a range deleted
                int end = Math.min(in.length, at + r.nextInt(16));
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                b.write(in, 0, at);
                b.write(in, end, in.length - end);
                yield b.toByteArray();
            }
            case 5 -> { // a range duplicated
                int end = Math.min(in.length, at + r.nextInt(64));
                byte[] copy = new byte[end - at];
                System.arraycopy(in, at, copy, 0, copy.length);
                yield insert(in, at, copy);
            }
            case 6 -> insert(in, at, bytes("x".repeat(r.nextBoolean() ? 300 : 200_000)));
            default -> r.nextBoolean() ? insert(in, 0, new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf})
                    : Arrays.copyOf(in, at); // truncated
        };
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] insert(byte[] in, int at, byte[] what) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(in.length + what.length);
        b.write(in, 0, at);
        b.writeBytes(what);
        b.write(in, at, in.length - at);
        return b.toByteArray();
    }
}
