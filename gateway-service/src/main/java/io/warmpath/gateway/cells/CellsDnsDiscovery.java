package io.warmpath.gateway.cells;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

/**
 * The inference cells as the DNS SRV records of a headless Kubernetes service list them
 * ({@code warmpath.gateway.cells-dns.*}): one record per pod of the cells' StatefulSet,
 * {@code _http._tcp.<service>} pointing at {@code <pod>.<service>}. The pod's name (the target's first label) is the
 * cell id, so a cell keeps its id, and its points on the hash ring, when its pod is replaced.
 *
 * <p>Chosen over the Kubernetes API: the gateway needs no service account, no RBAC and no client library, only the
 * cluster's DNS. The service publishes not-ready pods too; the gateway's own probes decide which cells get traffic.
 * A lookup that fails keeps the last list (a DNS hiccup must not empty the pool); a name that does not exist (no
 * cell pods yet) is an empty list.
 */
final class CellsDnsDiscovery extends CellSource {

    private static final Logger log = LoggerFactory.getLogger(CellsDnsDiscovery.class);

    private final CellDiscoveryProperties.CellsDns dns;
    private List<ServiceInstance> cells = List.of();
    private boolean failing;

    CellsDnsDiscovery(CellDiscoveryProperties.CellsDns dns) {
        this.dns = dns;
    }

    @Override
    public String description() {
        return "Inference cells from the SRV records of " + dns.service();
    }

    /** The cells as of a new lookup, or the last list when the lookup fails. */
    @Override
    synchronized List<ServiceInstance> current() {
        String name = "_" + dns.portName() + "._tcp." + dns.service();
        try {
            List<ServiceInstance> found = lookUp(name);
            if (failing || found.size() != cells.size()) {
                log.info("Found {} cells in the SRV records of {}", found.size(), name);
            }
            failing = false;
            cells = found;
        } catch (NameNotFoundException none) {
            if (!cells.isEmpty() || failing) {
                log.warn("{} has no SRV records: no cells", name);
            }
            failing = false;
            cells = List.of();
        } catch (NamingException | RuntimeException failed) {
            if (!failing) {
                log.warn("Cannot look up the cells at {} ({}); keeping {} known cells", name, failed.toString(),
                        cells.size());
            }
            failing = true;
        }
        return cells;
    }

    private List<ServiceInstance> lookUp(String name) throws NamingException {
        Hashtable<String, String> environment = new Hashtable<>();
        environment.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
        // "dns:" alone asks the resolvers the system is configured with.
        environment.put(Context.PROVIDER_URL, dns.server() == null ? "dns:" : dns.server());
        environment.put("com.sun.jndi.dns.timeout.initial", Long.toString(dns.timeout().toMillis()));
        environment.put("com.sun.jndi.dns.timeout.retries", "2");
        DirContext context = new InitialDirContext(environment);
        try {
            Attribute records = context.getAttributes(name, new String[] {"SRV"}).get("SRV");
            List<ServiceInstance> found = new ArrayList<>();
            if (records != null) {
                NamingEnumeration<?> values = records.getAll();
                while (values.hasMore()) {
                    found.add(toInstance(values.next().toString()));
                }
            }
            found.sort(Comparator.comparing(ServiceInstance::getInstanceId));
            return List.copyOf(found);
        } finally {
            context.close();
        }
    }

    /** Whether the latest lookup failed (the known cells were kept). */
    synchronized boolean failing() {
        return failing;
    }

    /** One SRV record, {@code priority weight port target}, as a cell. */
    private ServiceInstance toInstance(String record) {
        String[] fields = record.trim().split("\\s+");
        if (fields.length != 4) {
            throw new IllegalArgumentException("not an SRV record: " + record);
        }
        int port = Integer.parseInt(fields[2]);
        String host = fields[3].endsWith(".") ? fields[3].substring(0, fields[3].length() - 1) : fields[3];
        String cellId = host.split("\\.", 2)[0].toLowerCase(Locale.ROOT);
        Map<String, String> metadata = new LinkedHashMap<>(dns.metadata());
        metadata.put(CellIds.CELL_ID, cellId);
        return new DefaultServiceInstance(cellId, CellRegistry.SERVICE_ID, host, port, false, metadata);
    }
}
