package dev.billing.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The user documentation the docs tests read: README.md and every Markdown page under docs/. */
final class UserDocs {
    /** The repository's root, seen from the module's directory (where Maven runs the tests). */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private UserDocs() {
    }

    /** README.md, then the pages under docs/ in path order. */
    static List<Path> pages() {
        List<Path> pages = new ArrayList<>();
        pages.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pages;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The page's path relative to the repository, for messages. */
    static String name(Path page) {
        return ROOT.relativize(page).toString();
    }
}
