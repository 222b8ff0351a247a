package dev.billing.examples.cli;

import dev.billing.config.BillingConfig;
import dev.billing.config.BillingConfigException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/** Reads the configuration file of {@code --config} ({@link BillingConfig}): every problem is exit 2, in one line. */
final class Config {
    private Config() {
    }

    /**
     * @param file the configuration file
     * @param env the environment variables
     * @return the configuration
     * @throws CliException (exit 2) naming the file, the field and what to fix
     */
    static BillingConfig load(Path file, Map<String, String> env) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw CliException.usage("config file " + file + " not found: pass --config with the path of an existing"
                    + " configuration file");
        } catch (CharacterCodingException e) {
            throw CliException.usage("config file " + file + " is not UTF-8 text: save it as UTF-8");
        } catch (IOException e) {
            throw CliException.usage("config file " + file + " cannot be read (" + e.getMessage() + "): check the"
                    + " path and its permissions");
        }
        try {
            return BillingConfig.parse(file, text, env);
        } catch (BillingConfigException e) {
            throw CliException.usage(e.getMessage());
        }
    }
}
