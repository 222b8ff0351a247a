package dev.billing.jdbc.internal;

import dev.billing.core.BillingException;
import dev.billing.core.Credentials;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.ServiceAccountStore;
import dev.billing.jdbc.SecretStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Service accounts in the store's database: one row per account (in registration order), one per
 * credential field holding only what the {@link SecretStore} sealed, one per label.
 */
public final class JdbcServiceAccountStore implements ServiceAccountStore {
    private static final Logger log = LoggerFactory.getLogger(JdbcServiceAccountStore.class);
    private static final String UNIQUE_VIOLATION = "23505";

    private final ConnectionSource connections;
    private final SecretStore secrets;

    /**
     * @param connections where connections come from
     * @param secrets how credential values are sealed
     */
    public JdbcServiceAccountStore(ConnectionSource connections, SecretStore secrets) {
        this.connections = connections;
        this.secrets = secrets;
    }

    @Override
    public boolean insertIfAbsent(ServiceAccount account) {
        String name = account.name();
        try (Connection c = connections.get()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO service_account (name, provider, project) VALUES (?, ?, ?)")) {
                    ps.setString(1, name);
                    ps.setString(2, account.provider().value());
                    ps.setString(3, account.project().value());
                    ps.executeUpdate();
                } catch (SQLException e) {
                    c.rollback();
                    if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                        return false;
                    }
                    throw e;
                }
                int position = 0;
                for (String field : account.credentials().fields()) {
                    String value = account.credentials().get(field).orElseThrow();
                    execute(c, "INSERT INTO service_account_credential (name, position, field, sealed) VALUES (?, ?, ?, ?)",
                            name, position++, field, secrets.seal(account.id(), field, value));
                }
                for (Map.Entry<String, String> label : account.labels().entrySet()) {
                    execute(c, "INSERT INTO service_account_label (name, label, label_value) VALUES (?, ?, ?)",
                            name, label.getKey(), label.getValue());
                }
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("registering", name, e);
        }
    }

    @Override
    public Optional<ServiceAccount> find(ServiceAccountId id) {
        return read("WHERE name = ?", id.value()).stream().findFirst();
    }

    @Override
    public List<ServiceAccount> list() {
        return read("", null);
    }

    @Override
    public boolean remove(ServiceAccountId id) {
        try (Connection c = connections.get()) {
            c.setAutoCommit(false);
            try {
                execute(c, "DELETE FROM service_account_credential WHERE name = ?", id.value());
                execute(c, "DELETE FROM service_account_label WHERE name = ?", id.value());
                boolean removed = execute(c, "DELETE FROM service_account WHERE name = ?", id.value()) > 0;
                c.commit();
                return removed;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("removing", id.value(), e);
        }
    }

    /**
     * Reads accounts without opening a single credential value: the sealed values are read with the rows,
     * and each account's are opened only when its provider first asks for one (inside that account's
     * fetch), so one value that cannot be opened fails that account alone.
     */
    private List<ServiceAccount> read(String where, String name) {
        try (Connection c = connections.get()) {
            c.setAutoCommit(false);
            try {
                Map<String, Map<String, String>> sealed = new HashMap<>();
                try (ResultSet rs = query(c, "SELECT name, field, sealed FROM service_account_credential " + where
                        + " ORDER BY name, position", name)) {
                    while (rs.next()) {
                        sealed.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>())
                                .put(rs.getString(2), rs.getString(3));
                    }
                }
                Map<String, Map<String, String>> labels = new HashMap<>();
                try (ResultSet rs = query(c, "SELECT name, label, label_value FROM service_account_label " + where, name)) {
                    while (rs.next()) {
                        labels.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2), rs.getString(3));
                    }
                }
                List<ServiceAccount> out = new ArrayList<>();
                try (ResultSet rs = query(c, "SELECT name, provider, project FROM service_account " + where
                        + " ORDER BY position", name)) {
                    while (rs.next()) {
                        String n = rs.getString(1);
                        ServiceAccountId id = ServiceAccountId.of(n);
                        Map<String, String> values = sealed.getOrDefault(n, Map.of());
                        Credentials credentials = Credentials.sealed(List.copyOf(values.keySet()),
                                () -> open(id, values));
                        out.add(new ServiceAccount(id, ProviderId.of(rs.getString(2)),
                                ProjectId.of(rs.getString(3)), credentials, labels.getOrDefault(n, Map.of())));
                    }
                }
                c.commit();
                return out;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("reading", name, e);
        }
    }

    /** Opens one account's values; a value not sealed the current way is sealed again (best effort). */
    private Map<String, String> open(ServiceAccountId id, Map<String, String> sealed) {
        Map<String, String> plain = new LinkedHashMap<>();
        List<String> stale = new ArrayList<>();
        sealed.forEach((field, value) -> {
            plain.put(field, secrets.open(id, field, value));
            if (!secrets.isCurrent(id, field, value)) {
                stale.add(field);
            }
        });
        if (!stale.isEmpty()) {
            try (Connection c = connections.get()) {
                for (String field : stale) {
                    execute(c, "UPDATE service_account_credential SET sealed = ? WHERE name = ? AND field = ? AND sealed = ?",
                            secrets.seal(id, field, plain.get(field)), id.value(), field, sealed.get(field));
                }
            } catch (SQLException | RuntimeException e) {
                log.debug("sealing the credentials of service account {} with the current key failed; they stay"
                        + " sealed with the previous one: {}", id, e.getClass().getSimpleName());
            }
        }
        return plain;
    }

    /**
     * Seals every stored value that is not sealed the current way again, in one transaction.
     *
     * @return how many values were sealed again
     * @throws BillingException when a value cannot be opened (nothing is changed), or the database fails
     */
    public int resealAll() {
        try (Connection c = connections.get()) {
            c.setAutoCommit(false);
            try {
                record Row(String name, String field, String sealed) {
                }
                List<Row> rows = new ArrayList<>();
                try (ResultSet rs = query(c, "SELECT name, field, sealed FROM service_account_credential ORDER BY name,"
                        + " position", null)) {
                    while (rs.next()) {
                        rows.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3)));
                    }
                }
                int resealed = 0;
                for (Row r : rows) {
                    ServiceAccountId id = ServiceAccountId.of(r.name());
                    if (!secrets.isCurrent(id, r.field(), r.sealed())) {
                        String value = secrets.open(id, r.field(), r.sealed());
                        execute(c, "UPDATE service_account_credential SET sealed = ? WHERE name = ? AND field = ?",
                                secrets.seal(id, r.field(), value), r.name(), r.field());
                        resealed++;
                    }
                }
                c.commit();
                return resealed;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("sealing again the credentials of", null, e);
        }
    }

    private static ResultSet query(Connection c, String sql, String name) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        ps.closeOnCompletion();
        if (name != null) {
            ps.setString(1, name);
        }
        return ps.executeQuery();
    }

    private static int execute(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        }
    }

    private static BillingException failure(String what, String account, SQLException e) {
        return new BillingException("service account store failed " + what
                + (account == null ? "" : " service account '" + account + "'") + ": " + e.getSQLState(), account,
                false, e);
    }
}
