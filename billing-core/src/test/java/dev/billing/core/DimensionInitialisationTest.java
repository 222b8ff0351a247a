package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/**
 * Dimension's constants name the constants of its nested enum; whichever of the two a program touches first, the
 * constants are never null. Each case runs in a class loader of its own, so that nothing else in this JVM has
 * initialised the classes before.
 */
class DimensionInitialisationTest {

    private static Object serviceConstant(String touchedFirst) throws Exception {
        URL classes = Dimension.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader fresh = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            Class.forName(touchedFirst, true, fresh);
            return Class.forName("dev.billing.core.Dimension", true, fresh).getField("SERVICE").get(null);
        }
    }

    @Test
    void theNestedEnumTouchedFirst_leavesTheInterfacesConstantsSet() throws Exception {
        assertThat(serviceConstant("dev.billing.core.Dimension$Fixed")).isNotNull().hasToString("SERVICE");
    }

    @Test
    void theInterfaceTouchedFirst_hasItsConstantsSet() throws Exception {
        assertThat(serviceConstant("dev.billing.core.Dimension")).isNotNull().hasToString("SERVICE");
    }
}
