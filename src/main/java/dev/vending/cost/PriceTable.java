package dev.vending.cost;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import dev.vending.fleet.InstanceCatalog;
import dev.vending.fleet.InstanceType;
import dev.vending.fleet.OperatingSystem;

/**
 * The bundled price table ({@code prices.csv} next to this class): On-Demand list prices and
 * estimated typical Spot prices per region and instance type, Linux. Windows adds the licence
 * uplift per vCPU-hour named in the file's header.
 */
public final class PriceTable {
    /** AWS's licence-included Windows Server uplift per vCPU-hour, added to Linux prices. */
    public static final double WINDOWS_PER_VCPU_HOUR = 0.046;
    public static final String RESOURCE = "prices.csv";

    private static volatile PriceTable bundled;

    private final String date;
    private final String source;
    private final Map<String, Price> prices;
    private final Map<String, Double> gp3PerGbMonth;
    private final double publicIpv4PerHour;

    /** Prices of one type in one region, USD per instance-hour. */
    public record Price(double onDemand, double spot) {
    }

    PriceTable(String date, String source, Map<String, Price> prices, Map<String, Double> gp3PerGbMonth, double publicIpv4PerHour) {
        this.date = date;
        this.source = source;
        this.prices = Collections.unmodifiableMap(new LinkedHashMap<>(prices));
        this.gp3PerGbMonth = Map.copyOf(gp3PerGbMonth);
        this.publicIpv4PerHour = publicIpv4PerHour;
    }

    public static PriceTable bundled() {
        PriceTable t = bundled;
        if (t == null) {
            try (InputStream in = PriceTable.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing price table resource " + RESOURCE);
                }
                t = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            bundled = t;
        }
        return t;
    }

    static PriceTable parse(String csv) {
        String date = null;
        String source = null;
        Map<String, Double> gp3 = new LinkedHashMap<>();
        Double ipv4 = null;
        Map<String, Price> prices = new LinkedHashMap<>();
        boolean header = false;
        int lineNo = 0;
        try (BufferedReader r = new BufferedReader(new java.io.StringReader(csv))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lineNo++;
                String l = line.strip();
                if (l.isEmpty()) {
                    continue;
                }
                if (l.startsWith("#")) {
                    String c = l.substring(1).strip();
                    if (c.startsWith("date:")) {
                        date = c.substring(5).strip();
                    } else if (c.startsWith("source:")) {
                        source = c.substring(7).strip();
                    } else if (c.startsWith("ebs_gp3_usd_per_gb_month:")) {
                        for (String kv : c.substring(c.indexOf(':') + 1).strip().split("\\s+")) {
                            gp3.put(kv.substring(0, kv.indexOf('=')), Double.parseDouble(kv.substring(kv.indexOf('=') + 1)));
                        }
                    } else if (c.startsWith("public_ipv4_usd_per_hour:")) {
                        ipv4 = Double.parseDouble(c.substring(c.indexOf(':') + 1).strip().split("\\s+")[0]);
                    }
                    continue;
                }
                if (!header) {
                    if (!l.equals("region,type,on_demand_usd,spot_estimate_usd")) {
                        throw new IllegalStateException(RESOURCE + ":" + lineNo + ": unexpected header '" + l + "'");
                    }
                    header = true;
                    continue;
                }
                String[] f = l.split(",", -1);
                if (f.length != 4) {
                    throw new IllegalStateException(RESOURCE + ":" + lineNo + ": expected 4 fields, got " + f.length);
                }
                Price p = new Price(Double.parseDouble(f[2]), Double.parseDouble(f[3]));
                if (prices.put(key(f[0], f[1]), p) != null) {
                    throw new IllegalStateException(RESOURCE + ":" + lineNo + ": duplicate " + f[0] + " " + f[1]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (date == null || source == null || ipv4 == null || gp3.isEmpty()) {
            throw new IllegalStateException(RESOURCE + ": header needs '# date:', '# source:', '# ebs_gp3_usd_per_gb_month:' "
                    + "and '# public_ipv4_usd_per_hour:' lines");
        }
        return new PriceTable(date, source, prices, gp3, ipv4);
    }

    private static String key(String region, String type) {
        return region + " " + type;
    }

    public String date() {
        return date;
    }

    public String source() {
        return source;
    }

    /** EBS gp3 storage, USD per GiB-month, in a region of the table. */
    public Optional<Double> gp3PerGbMonth(String region) {
        return Optional.ofNullable(gp3PerGbMonth.get(region));
    }

    /** A public IPv4 address, USD per hour (the same in every region). */
    public double publicIpv4PerHour() {
        return publicIpv4PerHour;
    }

    /** Regions the table covers, sorted. */
    public List<String> regions() {
        TreeSet<String> r = new TreeSet<>();
        prices.keySet().forEach(k -> r.add(k.substring(0, k.indexOf(' '))));
        return new ArrayList<>(r);
    }

    /** Linux prices as listed. */
    public Optional<Price> linux(String region, String type) {
        return Optional.ofNullable(prices.get(key(region, type)));
    }

    /** Prices for the OS: Windows adds the licence per vCPU-hour (needs the type's vCPUs from the catalogue). */
    public Optional<Price> find(String region, String type, OperatingSystem os) {
        Optional<Price> p = linux(region, type);
        if (os != OperatingSystem.WINDOWS || p.isEmpty()) {
            return p;
        }
        Optional<InstanceType> t = InstanceCatalog.find(type);
        if (t.isEmpty()) {
            return Optional.empty();
        }
        double licence = windowsLicence(t.get().vcpus());
        return Optional.of(new Price(p.get().onDemand() + licence, p.get().spot() + licence));
    }

    public static double windowsLicence(int vcpus) {
        return Math.round(WINDOWS_PER_VCPU_HOUR * vcpus * 1e6) / 1e6;
    }
}
