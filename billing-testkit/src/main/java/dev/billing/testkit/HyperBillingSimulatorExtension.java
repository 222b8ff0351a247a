package dev.billing.testkit;

import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that runs one {@link HyperBillingSimulator} for a test class: started
 * before all tests, closed after them, its faults cleared and its data restored before each test.
 * Test methods and lifecycle methods may take a {@link HyperBillingSimulator} parameter.
 *
 * <pre>{@code
 * class MyTest {
 *     @RegisterExtension
 *     static final HyperBillingSimulatorExtension HB = new HyperBillingSimulatorExtension(
 *             HyperBillingSimulator.builder().data(SimulatorData.generator().seed(42).build()));
 *
 *     @Test
 *     void readsCosts() {
 *         String endpoint = HB.simulator().endpoint();
 *     }
 * }
 * }</pre>
 *
 * <p>Register it in a {@code static} field (or with {@code @ExtendWith} for default data).
 */
public final class HyperBillingSimulatorExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, ParameterResolver {
    private final HyperBillingSimulator.Builder builder;
    private SimulatorData initialData;
    private HyperBillingSimulator simulator;

    /** Serves the default generated data. */
    public HyperBillingSimulatorExtension() {
        this(HyperBillingSimulator.builder());
    }

    /** @param builder how to configure the simulator */
    public HyperBillingSimulatorExtension(HyperBillingSimulator.Builder builder) {
        this.builder = Objects.requireNonNull(builder, "builder");
    }

    /**
     * @return the running simulator
     * @throws IllegalStateException outside the test class's lifecycle
     */
    public HyperBillingSimulator simulator() {
        if (simulator == null) {
            throw new IllegalStateException("the simulator runs only while the test class runs;"
                    + " register the extension in a static field");
        }
        return simulator;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        simulator = builder.start();
        initialData = simulator.data();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        simulator().clearFaults();
        simulator().data(initialData);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (simulator != null) {
            simulator.close();
            simulator = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == HyperBillingSimulator.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return simulator();
    }
}
