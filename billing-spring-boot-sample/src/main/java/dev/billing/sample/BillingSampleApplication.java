package dev.billing.sample;

import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.SimulatorData;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A Spring Boot application that embeds the Billing SDK through the starter, configured only with
 * {@code application.properties}. {@link #main} starts a HyperBilling simulator first and hands its endpoint
 * and keys to the application as {@code HB_ENDPOINT}, {@code HB_KEY_WEB} and {@code HB_KEY_DATA}; against
 * the real service, give those as environment variables and run the application without the simulator.
 *
 * <p>Users (demo only): {@code admin}/{@code admin} sees the domain, {@code web}/{@code web} the project
 * {@code p-web} only.
 */
@SpringBootApplication
public class BillingSampleApplication {
    static final String WEB_KEY = "sample-web-key";
    static final String DATA_KEY = "sample-data-key";

    /**
     * @param args Spring Boot arguments, such as {@code --server.port=8080}
     */
    public static void main(String[] args) {
        start(args);
    }

    /**
     * Starts the simulator and the application; closing the context stops both.
     *
     * @param args Spring Boot arguments
     * @return the running application
     */
    public static ConfigurableApplicationContext start(String... args) {
        SimulatorData generated = SimulatorData.generator().seed(2026).accounts(2).currencies("USD", "EUR").build();
        SimulatorData data = SimulatorData.of(Map.of("111111111111", "USD", "222222222222", "EUR"), List.of(
                new SimulatorData.ApiUser("web@example.com", WEB_KEY, Set.of("111111111111")),
                new SimulatorData.ApiUser("data@example.com", DATA_KEY, Set.of("222222222222"))), generated.rows());
        HyperBillingSimulator simulator = HyperBillingSimulator.start(data);
        SpringApplication app = new SpringApplication(BillingSampleApplication.class);
        app.setDefaultProperties(Map.of("HB_ENDPOINT", simulator.endpoint(), "HB_KEY_WEB", WEB_KEY,
                "HB_KEY_DATA", DATA_KEY));
        try {
            ConfigurableApplicationContext context = app.run(args);
            context.addApplicationListener(e -> {
                if (e instanceof org.springframework.context.event.ContextClosedEvent) {
                    simulator.close();
                }
            });
            return context;
        } catch (RuntimeException e) {
            simulator.close();
            throw e;
        }
    }

    // README-BEGIN
    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        // every dashboard request needs a signed-in user; the starter then checks BILLING_DOMAIN / BILLING_PROJECT_<p>
        return http.authorizeHttpRequests(a -> a.requestMatchers("/actuator/health/**").permitAll()
                        .anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                .build();
    }

    @Bean
    InMemoryUserDetailsManager users() {
        // the application maps its users to the authorities: here two demo users
        return new InMemoryUserDetailsManager(
                User.withUsername("admin").password("{noop}admin").authorities("BILLING_DOMAIN").build(),
                User.withUsername("web").password("{noop}web").authorities("BILLING_PROJECT_p-web").build());
    }
    // README-END
}
